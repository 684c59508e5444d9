package io.quiver.bench;

import io.quiver.index.simd.VectorDistances;

/**
 * Two bandwidth figures: a memory copy of a buffer much larger than the caches (bytes read plus
 * bytes written per second), and the exact scan (bytes of vectors scored per second, one thread),
 * so the scan can be judged against what the memory system delivers.
 */
final class Bandwidth {
  private static final VectorDistances D = VectorDistances.get();

  private Bandwidth() {}

  /** Copy bandwidth over 512 MB, counting read + write bytes; best of 5. */
  static double copyBytesPerSecond() {
    int n = 64 << 20;
    long[] a = new long[n];
    long[] b = new long[n];
    java.util.Arrays.fill(a, 1);
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      System.arraycopy(a, 0, b, 0, n);
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, 2.0 * n * Long.BYTES / s);
    }
    if (b[n - 1] != 1) {
      throw new IllegalStateException("copy failed");
    }
    return best;
  }

  /** Read-only bandwidth: summing a 512 MB array (the ceiling for a scan that only reads). */
  static double readBytesPerSecond() {
    int n = 128 << 20;
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 0f);
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      float s = D.dot(a, 0, ones, 0, n);
      double sec = (System.nanoTime() - t0) / 1e9;
      if (s != 0) {
        throw new IllegalStateException("unexpected sum " + s);
      }
      best = Math.max(best, 2.0 * n * Float.BYTES / sec);
    }
    return best;
  }

  /** Exact-scan bandwidth over {@code base} packed contiguously; best of 5 full scans. */
  static double scanBytesPerSecond(float[][] base, float[] query) {
    int dim = query.length;
    float[] packed = new float[base.length * dim];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, packed, i * dim, dim);
    }
    double best = 0;
    float sink = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      float bestScore = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < base.length; i++) {
        float s = -D.squareL2(query, 0, packed, i * dim, dim);
        if (s > bestScore) {
          bestScore = s;
        }
      }
      sink += bestScore;
      double sec = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, (double) packed.length * Float.BYTES / sec);
    }
    if (Float.isNaN(sink)) {
      throw new IllegalStateException("scan produced NaN");
    }
    return best;
  }
}
