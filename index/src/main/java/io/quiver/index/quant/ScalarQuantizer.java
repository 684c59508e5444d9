package io.quiver.index.quant;

import io.quiver.index.vector.FloatVectorStore;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Maps floats to signed bytes: {@code x ~= offset[i] + scale[i] * code}, code in [-128, 127].
 * Ranges are trained on the data, clipped at the {@code 1 - confidence} tails so a few outliers do
 * not waste the 256 levels. {@link Mode#GLOBAL} shares one range across dimensions, which keeps
 * the integer kernels exact up to rounding; {@link Mode#PER_DIMENSION} gives each dimension its
 * own range (tighter codes) and ranks in the scaled space, which re-scoring then corrects.
 */
public final class ScalarQuantizer {
  /** How ranges are trained. */
  public enum Mode {
    GLOBAL,
    PER_DIMENSION
  }

  /** Fraction of values kept inside the trained range. */
  public static final double DEFAULT_CONFIDENCE = 0.999;
  private static final int SAMPLE_VECTORS = 20_000;

  private final Mode mode;
  private final float[] offset;
  private final float[] scale;

  ScalarQuantizer(Mode mode, float[] offset, float[] scale) {
    this.mode = mode;
    this.offset = offset;
    this.scale = scale;
  }

  public Mode mode() {
    return mode;
  }

  /** The (shared) scale; for per-dimension mode, the mean scale. */
  float globalScale() {
    double s = 0;
    for (float x : scale) {
      s += x;
    }
    return (float) (s / scale.length);
  }

  float globalOffset() {
    return offset[0];
  }

  float[] offsets() {
    return offset;
  }

  float[] scales() {
    return scale;
  }

  /** Trains ranges on up to 20,000 sampled vectors of {@code store[0..n)}. */
  public static ScalarQuantizer train(FloatVectorStore store, int n, Mode mode, double confidence, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("cannot train a quantizer on " + n + " vectors");
    }
    if (!(confidence > 0.5 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in (0.5, 1] but was " + confidence);
    }
    int dim = store.dimension();
    int samples = Math.min(n, SAMPLE_VECTORS);
    SplittableRandom r = new SplittableRandom(seed);
    int[] picks = new int[samples];
    for (int i = 0; i < samples; i++) {
      picks[i] = samples == n ? i : r.nextInt(n);
    }
    float[] offset = new float[dim];
    float[] scale = new float[dim];
    double tail = (1 - confidence) / 2;
    if (mode == Mode.GLOBAL) {
      int per = Math.max(1, Math.min(dim, 2_000_000 / samples));
      float[] values = new float[samples * per];
      int k = 0;
      for (int p : picks) {
        float[] c = store.chunk(p);
        int off = store.offset(p);
        for (int j = 0; j < per; j++) {
          values[k++] = c[off + (per == dim ? j : r.nextInt(dim))];
        }
      }
      float[] range = range(values, tail);
      Arrays.fill(offset, offsetOf(range));
      Arrays.fill(scale, scaleOf(range));
    } else {
      float[] values = new float[samples];
      for (int d = 0; d < dim; d++) {
        for (int i = 0; i < samples; i++) {
          values[i] = store.chunk(picks[i])[store.offset(picks[i]) + d];
        }
        float[] range = range(values, tail);
        offset[d] = offsetOf(range);
        scale[d] = scaleOf(range);
      }
    }
    return new ScalarQuantizer(mode, offset, scale);
  }

  private static float[] range(float[] values, double tail) {
    float[] v = values.clone();
    Arrays.sort(v);
    int lo = (int) Math.floor(tail * (v.length - 1));
    int hi = (int) Math.ceil((1 - tail) * (v.length - 1));
    return new float[] {v[lo], v[hi]};
  }

  private static float scaleOf(float[] range) {
    float s = (range[1] - range[0]) / 255f;
    return s > 0 ? s : 1e-12f;
  }

  private static float offsetOf(float[] range) {
    return range[0] + 128 * scaleOf(range);
  }

  /** Writes the codes of {@code v[vOff..vOff+dim)} to {@code out[outOff..)}; returns the sum of codes. */
  public int encode(float[] v, int vOff, byte[] out, int outOff) {
    int sum = 0;
    for (int i = 0; i < offset.length; i++) {
      float q = (v[vOff + i] - offset[i]) / scale[i];
      int c = Math.round(Math.max(-128f, Math.min(127f, q)));
      out[outOff + i] = (byte) c;
      sum += c;
    }
    return sum;
  }

  /** The float approximation of a code vector. */
  public float[] decode(byte[] codes, int off) {
    float[] v = new float[offset.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = offset[i] + scale[i] * codes[off + i];
    }
    return v;
  }
}
