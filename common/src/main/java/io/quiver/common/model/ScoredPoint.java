package io.quiver.common.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * One search hit: an id and its score (larger is closer, see {@link Distance}), with the stored
 * point attached when the caller asked for payload or vector ({@code point} may be null).
 */
public record ScoredPoint(PointId id, float score, Point point) {
  /** Best first; equal scores break by id so every merge is deterministic. */
  public static final Comparator<ScoredPoint> BEST_FIRST =
      Comparator.comparingDouble((ScoredPoint p) -> -p.score()).thenComparing(ScoredPoint::id);

  public ScoredPoint {
    Objects.requireNonNull(id, "id");
  }

  public ScoredPoint(PointId id, float score) {
    this(id, score, null);
  }
}
