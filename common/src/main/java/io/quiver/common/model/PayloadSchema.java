package io.quiver.common.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which payload fields a collection indexes, and as what. Fields not named here are still stored
 * and filterable, by evaluation rather than by index.
 */
public record PayloadSchema(Map<String, PayloadFieldType> fields) {
  public static final PayloadSchema EMPTY = new PayloadSchema(Map.of());

  public PayloadSchema {
    for (var e : fields.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank()) {
        throw new IllegalArgumentException("payload_schema field name must not be empty");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("payload_schema field '" + e.getKey() + "' has no type");
      }
    }
    fields = Map.copyOf(new TreeMap<>(fields));
  }

  public PayloadFieldType typeOf(String field) {
    return fields.get(field);
  }
}
