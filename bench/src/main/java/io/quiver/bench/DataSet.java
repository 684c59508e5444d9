package io.quiver.bench;

import io.quiver.common.model.Distance;
import io.quiver.index.dataset.Datasets;
import io.quiver.index.dataset.VectorFiles;
import io.quiver.index.simd.VectorDistances;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Base vectors, queries and the true 10 nearest neighbours of each query.
 *
 * @param distance L2 for every set here
 */
record DataSet(String name, Distance distance, float[][] base, float[][] queries, int[][] truth) {
  static final int K = 10;

  int dimension() {
    return base[0].length;
  }

  static DataSet siftsmall(int queries) throws IOException {
    var base = VectorFiles.readFvecs(need("siftsmall/siftsmall_base.fvecs"));
    var q = VectorFiles.readFvecs(need("siftsmall/siftsmall_query.fvecs"));
    var gt = VectorFiles.readIvecs(need("siftsmall/siftsmall_groundtruth.ivecs"));
    int nq = Math.min(queries, q.length);
    return new DataSet("siftsmall 10k x 128", Distance.L2, base, java.util.Arrays.copyOf(q, nq), java.util.Arrays.copyOf(gt, nq));
  }

  private static java.nio.file.Path need(String f) throws IOException {
    return Datasets.file(f).orElseThrow(() -> new IOException(f + " not found; set -Dquiver.datasets"));
  }

  /**
   * {@code n} points around 64 random centres (centres ~ N(0,1), spread ~ N(0, 0.5^2) per
   * dimension), queries drawn the same way, exact ground truth by brute force.
   */
  static DataSet gaussianClusters(int n, int dim, int queries, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int clusters = 64;
    float[][] centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centres[c] = gaussian(r, dim, 1.0, null);
    }
    float[][] base = new float[n][];
    for (int i = 0; i < n; i++) {
      base[i] = gaussian(r, dim, 0.5, centres[r.nextInt(clusters)]);
    }
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = gaussian(r, dim, 0.5, centres[r.nextInt(clusters)]);
    }
    return new DataSet(
        "gaussian " + (n / 1000) + "k x " + dim, Distance.L2, base, q, bruteForce(base, q));
  }

  private static float[] gaussian(SplittableRandom r, int dim, double sigma, float[] around) {
    float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      double u1 = r.nextDouble(), u2 = r.nextDouble();
      double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      v[j] = (float) (g * sigma + (around == null ? 0 : around[j]));
    }
    return v;
  }

  static int[][] bruteForce(float[][] base, float[][] queries) {
    VectorDistances d = VectorDistances.get();
    int[][] truth = new int[queries.length][];
    IntStream.range(0, queries.length).parallel().forEach(qi -> {
      int[] best = new int[K];
      float[] bestD = new float[K];
      java.util.Arrays.fill(bestD, Float.POSITIVE_INFINITY);
      for (int i = 0; i < base.length; i++) {
        float dist = d.squareL2(queries[qi], base[i]);
        if (dist < bestD[K - 1]) {
          int p = K - 1;
          while (p > 0 && bestD[p - 1] > dist) {
            bestD[p] = bestD[p - 1];
            best[p] = best[p - 1];
            p--;
          }
          bestD[p] = dist;
          best[p] = i;
        }
      }
      truth[qi] = best;
    });
    return truth;
  }
}
