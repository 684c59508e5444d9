package io.quiver.common.model;

import java.util.Map;
import java.util.Objects;

/**
 * A stored point: id, dense vector, JSON-like payload and optional text.
 *
 * <p>The payload holds JSON values as Java objects: {@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code List<Object>}, {@code Map<String, Object>} and {@code null}. The vector is
 * not copied; callers hand over ownership.
 */
public record Point(PointId id, float[] vector, Map<String, Object> payload, String text) {
  public Point {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vector, "vector");
    payload = payload == null ? Map.of() : payload;
  }

  public Point(PointId id, float[] vector) {
    this(id, vector, Map.of(), null);
  }
}
