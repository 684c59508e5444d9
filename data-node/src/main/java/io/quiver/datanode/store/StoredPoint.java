package io.quiver.datanode.store;

import io.quiver.common.model.Point;
import java.util.Objects;

/** A live point as stored, with the log index of its last write. */
public record StoredPoint(Point point, long logIndex) {
  public StoredPoint {
    Objects.requireNonNull(point, "point");
  }
}
