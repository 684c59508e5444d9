package io.quiver.common.wire;

import io.quiver.common.error.QuiverException;
import io.quiver.common.model.PointId;
import io.quiver.proto.v1.ListValue;
import io.quiver.proto.v1.NullValue;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Payload values and ids between proto and Java. */
public final class WireValues {
  private WireValues() {}

  public static PointId pointId(String field, io.quiver.proto.v1.PointId id) {
    switch (id.getKindCase()) {
      case NUM:
        return PointId.of(id.getNum());
      case UUID:
        try {
          return PointId.of(UUID.fromString(id.getUuid()));
        } catch (IllegalArgumentException e) {
          throw QuiverException.invalid(field + " '" + id.getUuid() + "' is not a UUID");
        }
      default:
        throw QuiverException.invalid(field + " is empty: give a number or a UUID");
    }
  }

  public static io.quiver.proto.v1.PointId toProto(PointId id) {
    if (id instanceof PointId.Num n) {
      return io.quiver.proto.v1.PointId.newBuilder().setNum(n.value()).build();
    }
    return io.quiver.proto.v1.PointId.newBuilder().setUuid(id.toString()).build();
  }

  /** A payload struct as a Java map (insertion order kept). */
  public static Map<String, Object> payload(Struct s) {
    if (s.getFieldsCount() == 0) {
      return Map.of();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (var e : s.getFieldsMap().entrySet()) {
      m.put(e.getKey(), value(e.getValue()));
    }
    return Collections.unmodifiableMap(m);
  }

  public static Object value(Value v) {
    return switch (v.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> null;
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case STRING_VALUE -> v.getStringValue();
      case LIST_VALUE -> {
        List<Object> l = new ArrayList<>(v.getListValue().getValuesCount());
        for (Value x : v.getListValue().getValuesList()) {
          l.add(value(x));
        }
        yield Collections.unmodifiableList(l);
      }
      case STRUCT_VALUE -> payload(v.getStructValue());
    };
  }

  public static Struct toStruct(Map<String, ?> payload) {
    Struct.Builder b = Struct.newBuilder();
    for (var e : payload.entrySet()) {
      b.putFields(e.getKey(), toValue(e.getValue()));
    }
    return b.build();
  }

  /** Only the listed (dotted) fields of a payload; absent ones are left out. */
  public static Map<String, Object> project(Map<String, Object> payload, List<String> fields) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : fields) {
      Object v = lookup(payload, f);
      if (v != null || payload.containsKey(f)) {
        out.put(f, v);
      }
    }
    return out;
  }

  /** Value at a dotted path, or null. Does not descend into arrays. */
  @SuppressWarnings("unchecked")
  public static Object lookup(Map<String, Object> payload, String path) {
    if (payload.containsKey(path)) {
      return payload.get(path);
    }
    Object cur = payload;
    for (String part : path.split("\\.")) {
      if (!(cur instanceof Map)) {
        return null;
      }
      cur = ((Map<String, Object>) cur).get(part);
    }
    return cur;
  }

  @SuppressWarnings("unchecked")
  public static Value toValue(Object o) {
    Value.Builder b = Value.newBuilder();
    if (o == null) {
      b.setNullValue(NullValue.NULL_VALUE);
    } else if (o instanceof Boolean x) {
      b.setBoolValue(x);
    } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
      b.setIntValue(((Number) o).longValue());
    } else if (o instanceof Number n) {
      b.setDoubleValue(n.doubleValue());
    } else if (o instanceof CharSequence s) {
      b.setStringValue(s.toString());
    } else if (o instanceof Map<?, ?> m) {
      b.setStructValue(toStruct((Map<String, ?>) m));
    } else if (o instanceof Iterable<?> it) {
      ListValue.Builder l = ListValue.newBuilder();
      for (Object x : it) {
        l.addValues(toValue(x));
      }
      b.setListValue(l);
    } else {
      throw new IllegalArgumentException("payload value of type " + o.getClass().getName() + " is not JSON");
    }
    return b.build();
  }
}
