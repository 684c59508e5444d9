package io.quiver.index.quant;

import io.quiver.common.model.Distance;
import io.quiver.index.simd.VectorDistances;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.QueryScorer;
import io.quiver.index.vector.ScorerSource;
import java.util.SplittableRandom;

/**
 * Product quantization: the vector is cut into {@code m} sub-vectors, each replaced by the index
 * of its nearest of 256 centroids (k-means per subspace), so a vector costs {@code m} bytes. A
 * query is scored by asymmetric distance: one table of 256 partial scores per subspace, then a
 * sum of {@code m} table lookups per vector. For memory-bound collections; always re-scored.
 */
public final class ProductQuantizer implements ScorerSource {
  private static final VectorDistances D = VectorDistances.get();
  static final int CENTROIDS = 256;
  private static final int SAMPLE = 5_000;
  private static final int ITERATIONS = 8;

  private final boolean l2;
  private final int dim;
  private final int m;
  private final int sub;
  // codebooks[j] holds 256 * sub floats for subspace j.
  private final float[][] codebooks;
  private final byte[] codes;

  private ProductQuantizer(Distance distance, int dim, int m, float[][] codebooks, byte[] codes) {
    this.l2 = distance == Distance.L2;
    this.dim = dim;
    this.m = m;
    this.sub = dim / m;
    this.codebooks = codebooks;
    this.codes = codes;
  }

  /**
   * Trains codebooks on up to 5,000 sampled vectors of {@code store[0..n)} and encodes all of them.
   *
   * @param m subspaces; must divide the dimension
   */
  public static ProductQuantizer train(FloatVectorStore store, int n, Distance distance, int m, long seed) {
    int dim = store.dimension();
    if (m < 1 || dim % m != 0) {
      throw new IllegalArgumentException("pq subspaces must divide dimension " + dim + " but was " + m);
    }
    if (n < 1) {
      throw new IllegalArgumentException("cannot train product quantization on " + n + " vectors");
    }
    int sub = dim / m;
    SplittableRandom r = new SplittableRandom(seed);
    int samples = Math.min(n, SAMPLE);
    int[] picks = new int[samples];
    for (int i = 0; i < samples; i++) {
      picks[i] = samples == n ? i : r.nextInt(n);
    }
    float[][] books = new float[m][];
    float[] data = new float[samples * sub];
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < samples; i++) {
        System.arraycopy(store.chunk(picks[i]), store.offset(picks[i]) + j * sub, data, i * sub, sub);
      }
      books[j] = KMeans.cluster(data, samples, sub, CENTROIDS, ITERATIONS, r);
    }
    byte[] codes = new byte[Math.multiplyExact(n, m)];
    for (int i = 0; i < n; i++) {
      float[] c = store.chunk(i);
      int off = store.offset(i);
      for (int j = 0; j < m; j++) {
        codes[i * m + j] = (byte) KMeans.nearest(books[j], CENTROIDS, sub, c, off + j * sub);
      }
    }
    return new ProductQuantizer(distance, dim, m, books, codes);
  }

  /** Bytes per vector: one code per subspace. */
  public int bytesPerVector() {
    return m;
  }

  @Override
  public QueryScorer scorer(float[] query) {
    if (query.length != dim) {
      throw new IllegalArgumentException("vector dimensions differ: " + query.length + "!=" + dim);
    }
    float[] table = new float[m * CENTROIDS];
    for (int j = 0; j < m; j++) {
      float[] book = codebooks[j];
      for (int c = 0; c < CENTROIDS; c++) {
        table[j * CENTROIDS + c] =
            l2
                ? -D.squareL2(query, j * sub, book, c * sub, sub)
                : D.dot(query, j * sub, book, c * sub, sub);
      }
    }
    byte[] cs = codes;
    int mm = m;
    return ord -> {
      float s = 0;
      int base = ord * mm;
      for (int j = 0; j < mm; j++) {
        s += table[j * CENTROIDS + (cs[base + j] & 0xFF)];
      }
      return s;
    };
  }

  @Override
  public QueryScorer scorer(int ord) {
    return scorer(decode(ord));
  }

  /** The centroid reconstruction of {@code ord}. */
  public float[] decode(int ord) {
    float[] v = new float[dim];
    for (int j = 0; j < m; j++) {
      int c = codes[ord * m + j] & 0xFF;
      System.arraycopy(codebooks[j], c * sub, v, j * sub, sub);
    }
    return v;
  }
}
