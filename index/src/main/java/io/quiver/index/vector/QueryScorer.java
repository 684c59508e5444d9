package io.quiver.index.vector;

/**
 * Scores one fixed query (a vector or a stored ordinal) against stored ordinals; larger is closer.
 * A scorer serves one search (or one insertion) at a time and may keep scratch space.
 */
@FunctionalInterface
public interface QueryScorer {
  float score(int ord);

  /** Scores {@code ords[0..n)} into {@code out[0..n)}. */
  default void bulkScore(int[] ords, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = score(ords[i]);
    }
  }
}
