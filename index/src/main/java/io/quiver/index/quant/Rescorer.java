package io.quiver.index.quant;

import io.quiver.index.flat.TopK;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.vector.QueryScorer;

/**
 * Re-scores an over-fetched candidate list with full-precision vectors and keeps the best
 * {@code k}: quantized scores only choose the candidates, the final order is exact.
 */
public final class Rescorer {
  /** Default over-fetch factor: candidates = ceil(k * 3), never below the beam width. */
  public static final float DEFAULT_OVERSAMPLING = 3.0f;

  private Rescorer() {}

  /** How many quantized candidates to fetch for {@code k} results. */
  public static int candidates(int k, float oversampling) {
    if (!(oversampling >= 1)) {
      throw new IllegalArgumentException("oversampling must be >= 1 but was " + oversampling);
    }
    return (int) Math.ceil(k * oversampling);
  }

  public static Neighbors rescore(Neighbors candidates, QueryScorer exact, int k) {
    TopK top = new TopK(k);
    int[] ords = candidates.ords();
    for (int ord : ords) {
      float s = exact.score(ord);
      if (top.wouldAccept(s)) {
        top.add(ord, s);
      }
    }
    return top.toNeighbors(candidates.visited());
  }
}
