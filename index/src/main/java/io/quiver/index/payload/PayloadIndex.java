package io.quiver.index.payload;

import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import java.util.HashMap;
import java.util.Map;

/**
 * The field indexes of one segment, one per schema field (text fields excepted: they go to
 * BM25). Ordinals are indexed when added and never removed: the segment's live bitmap hides
 * deleted ones. Not thread-safe: the owning segment guards it.
 */
public final class PayloadIndex {
  private final Map<String, FieldIndex> fields = new HashMap<>();

  public PayloadIndex(PayloadSchema schema) {
    schema.fields().forEach((name, type) -> {
      if (type != PayloadFieldType.TEXT) {
        fields.put(name, new FieldIndex(type));
      }
    });
  }

  public void add(int ord, Map<String, Object> payload) {
    fields.forEach((name, index) -> {
      for (Object v : PayloadValues.values(payload, name)) {
        if (v != null) {
          index.add(ord, v);
        }
      }
    });
  }

  /** The index of {@code field}, or null when the field is not indexed. */
  public FieldIndex field(String field) {
    return fields.get(field);
  }
}
