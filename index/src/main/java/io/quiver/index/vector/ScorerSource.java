package io.quiver.index.vector;

/**
 * Makes scorers over one set of stored vectors: full-precision floats, or int8/PQ codes. The
 * graph builder and searcher only see this, so the same graph code walks either.
 */
public interface ScorerSource {
  /** A scorer for an external query vector (already normalized for cosine). */
  QueryScorer scorer(float[] query);

  /** A scorer for a stored vector against the others (used while building). */
  QueryScorer scorer(int ord);

  /** The score between two stored ordinals. */
  default float score(int a, int b) {
    return scorer(a).score(b);
  }
}
