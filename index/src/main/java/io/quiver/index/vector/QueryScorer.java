package io.quiver.index.vector;

/** Scores one fixed query (a vector or a stored ordinal) against stored ordinals; larger is closer. */
@FunctionalInterface
public interface QueryScorer {
  float score(int ord);
}
