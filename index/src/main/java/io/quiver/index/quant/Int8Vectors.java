package io.quiver.index.quant;

import io.quiver.common.model.Distance;
import io.quiver.index.simd.VectorDistances;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.QueryScorer;
import io.quiver.index.vector.ScorerSource;

/**
 * Int8 codes of a set of vectors, one contiguous byte array, scored with the int8 kernels. With
 * a global range, {@code x = o + s*c} gives {@code x.y = n*o^2 + o*s*(sum(cx) + sum(cy)) + s^2 * cx.cy}
 * and {@code |x-y|^2 = s^2 |cx-cy|^2}; the per-vector term is kept as a float "correction", so
 * a dot product costs one integer kernel and two additions. Memory: {@code dimension + 4} bytes
 * per vector.
 */
public final class Int8Vectors implements ScorerSource {
  private static final VectorDistances D = VectorDistances.get();

  private final ScalarQuantizer quantizer;
  private final boolean l2;
  private final int dim;
  private final byte[] codes;
  private final float[] corrections;
  private final float s2;
  private final float os;
  private final float halfNo2;

  private Int8Vectors(ScalarQuantizer q, Distance distance, int dim, byte[] codes, float[] corrections) {
    this.quantizer = q;
    this.l2 = distance == Distance.L2;
    this.dim = dim;
    this.codes = codes;
    this.corrections = corrections;
    float s = q.globalScale();
    float o = q.mode() == ScalarQuantizer.Mode.GLOBAL ? q.globalOffset() : 0f;
    this.s2 = s * s;
    this.os = o * s;
    this.halfNo2 = dim * o * o / 2;
  }

  /** Encodes {@code store[0..n)} (vectors already prepared for the distance). */
  public static Int8Vectors encode(FloatVectorStore store, int n, Distance distance, ScalarQuantizer q) {
    int dim = store.dimension();
    byte[] codes = new byte[Math.multiplyExact(n, dim)];
    float[] corr = new float[n];
    Int8Vectors v = new Int8Vectors(q, distance, dim, codes, corr);
    for (int i = 0; i < n; i++) {
      int sum = q.encode(store.chunk(i), store.offset(i), codes, i * dim);
      corr[i] = v.correction(sum);
    }
    return v;
  }

  private float correction(int codeSum) {
    return os * codeSum + halfNo2;
  }

  public ScalarQuantizer quantizer() {
    return quantizer;
  }

  /** Bytes per vector: the codes and one float correction. */
  public int bytesPerVector() {
    return dim + Float.BYTES;
  }

  @Override
  public QueryScorer scorer(float[] query) {
    byte[] qc = new byte[dim];
    float qCorr = correction(quantizer.encode(query, 0, qc, 0));
    return scorer(qc, 0, qCorr);
  }

  @Override
  public QueryScorer scorer(int ord) {
    return scorer(codes, ord * dim, corrections[ord]);
  }

  private QueryScorer scorer(byte[] q, int qOff, float qCorr) {
    return l2 ? new L2(q, qOff, codes, dim, s2) : new Dot(q, qOff, codes, dim, s2, qCorr, corrections);
  }

  // Named final classes rather than lambdas, each with its own bulkScore loop: the loop's call to
  // score() then has one receiver type and inlines the kernel, whatever other scorers the JVM has
  // seen (the default bulkScore shares one type profile across every implementation).
  private static final class L2 implements QueryScorer {
    private final byte[] q;
    private final int qOff;
    private final byte[] codes;
    private final int dim;
    private final float scale2;

    L2(byte[] q, int qOff, byte[] codes, int dim, float scale2) {
      this.q = q;
      this.qOff = qOff;
      this.codes = codes;
      this.dim = dim;
      this.scale2 = scale2;
    }

    @Override
    public float score(int ord) {
      return -scale2 * D.squareL2Int8(q, qOff, codes, ord * dim, dim);
    }

    @Override
    public void bulkScore(int[] ords, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = score(ords[i]);
      }
    }
  }

  private static final class Dot implements QueryScorer {
    private final byte[] q;
    private final int qOff;
    private final byte[] codes;
    private final int dim;
    private final float scale2;
    private final float qCorr;
    private final float[] corr;

    Dot(byte[] q, int qOff, byte[] codes, int dim, float scale2, float qCorr, float[] corr) {
      this.q = q;
      this.qOff = qOff;
      this.codes = codes;
      this.dim = dim;
      this.scale2 = scale2;
      this.qCorr = qCorr;
      this.corr = corr;
    }

    @Override
    public float score(int ord) {
      return scale2 * D.dotInt8(q, qOff, codes, ord * dim, dim) + qCorr + corr[ord];
    }

    @Override
    public void bulkScore(int[] ords, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = score(ords[i]);
      }
    }
  }
}
