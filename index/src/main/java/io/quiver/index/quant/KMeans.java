package io.quiver.index.quant;

import io.quiver.index.simd.VectorDistances;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means on small sub-vectors, for product-quantization codebooks: centroids start at
 * distinct random samples, empty clusters are re-seeded from a random sample.
 */
final class KMeans {
  private static final VectorDistances D = VectorDistances.get();

  private KMeans() {}

  /**
   * Clusters {@code n} points of {@code dim} floats stored contiguously in {@code data}; returns
   * {@code k * dim} centroid floats.
   */
  static float[] cluster(float[] data, int n, int dim, int k, int iterations, SplittableRandom r) {
    float[] cent = new float[k * dim];
    for (int c = 0; c < k; c++) {
      int p = n <= k ? c % n : r.nextInt(n);
      System.arraycopy(data, p * dim, cent, c * dim, dim);
    }
    int[] assign = new int[n];
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < n; i++) {
        assign[i] = nearest(cent, k, dim, data, i * dim);
      }
      float[] sum = new float[k * dim];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        int c = assign[i];
        count[c]++;
        for (int j = 0; j < dim; j++) {
          sum[c * dim + j] += data[i * dim + j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (count[c] == 0) {
          System.arraycopy(data, r.nextInt(n) * dim, cent, c * dim, dim);
        } else {
          for (int j = 0; j < dim; j++) {
            cent[c * dim + j] = sum[c * dim + j] / count[c];
          }
        }
      }
    }
    return cent;
  }

  static int nearest(float[] cent, int k, int dim, float[] v, int off) {
    int best = 0;
    float bestD = Float.POSITIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      float d = D.squareL2(cent, c * dim, v, off, dim);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }
}
