package io.quiver.datanode.store;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.util.List;

/**
 * The rows one applied entry changed, resolved (a delete by filter lists the ids it removed):
 * what a search index must replay to follow the store.
 */
public record AppliedChange(long logIndex, List<Point> upserted, List<PointId> deleted) {
  public AppliedChange {
    upserted = List.copyOf(upserted);
    deleted = List.copyOf(deleted);
  }

  public static AppliedChange none(long logIndex) {
    return new AppliedChange(logIndex, List.of(), List.of());
  }

  public boolean isEmpty() {
    return upserted.isEmpty() && deleted.isEmpty();
  }
}
