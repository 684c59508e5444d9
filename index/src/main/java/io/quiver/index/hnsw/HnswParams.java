package io.quiver.index.hnsw;

/**
 * Construction parameters of an HNSW graph.
 *
 * @param m neighbours kept per node on the upper levels; level 0 keeps {@code 2 * m}
 * @param efConstruct candidate list size while inserting
 */
public record HnswParams(int m, int efConstruct) {
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCT = 100;
  public static final HnswParams DEFAULT = new HnswParams(DEFAULT_M, DEFAULT_EF_CONSTRUCT);

  public HnswParams {
    if (m < 2 || m > 512) {
      throw new IllegalArgumentException("hnsw.m must be in [2, 512] but was " + m);
    }
    if (efConstruct < 1 || efConstruct > 10_000) {
      throw new IllegalArgumentException(
          "hnsw.ef_construct must be in [1, 10000] but was " + efConstruct);
    }
  }

  /** Maximum neighbours of a node at {@code level}. */
  public int maxConn(int level) {
    return level == 0 ? 2 * m : m;
  }
}
