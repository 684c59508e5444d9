package io.quiver.index.vector;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import java.util.List;
import java.util.function.Predicate;

/**
 * An embeddable vector index keyed by point id: the exact {@code FlatIndex} and the approximate
 * {@code HnswIndex}. Adding an existing id replaces its vector; a deleted id is skipped by
 * searches from then on; a result names each id at most once.
 */
public interface VectorIndex {
  int dimension();

  Distance distance();

  /** Adds or replaces the vector of {@code id} (checked for dimension and finiteness). */
  void add(PointId id, float[] vector);

  /** Removes {@code id}; returns whether it was present. */
  boolean delete(PointId id);

  /** Live points. */
  int size();

  /**
   * The {@code k} best live points for {@code query}, best first, ties by id.
   *
   * @param ef beam width for approximate indexes (ignored by exact ones)
   * @param filter which ids may be returned; null for all
   */
  List<ScoredPoint> search(float[] query, int k, int ef, Predicate<PointId> filter);
}
