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
    int n = top.size();
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Float.compare(top.score(b), top.score(a)));
    int[] outOrds = new int[n];
    float[] outScores = new float[n];
    for (int i = 0; i < n; i++) {
      outOrds[i] = top.ord(idx[i]);
      outScores[i] = top.score(idx[i]);
    }
    return new Neighbors(outOrds, outScores, candidates.visited());
  }
}
