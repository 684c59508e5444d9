package io.quiver.index.payload;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads values out of JSON-like payloads. A dotted key walks nested maps; where the walk meets an
 * array it continues into every element, so {@code values(p, "tags")} of {@code ["a","b"]} is
 * both strings and a condition on an array holds when it holds for any element.
 */
public final class PayloadValues {
  private PayloadValues() {}

  /** The leaf values at {@code key} (arrays flattened, nulls kept). */
  public static List<Object> values(Map<String, Object> payload, String key) {
    List<Object> out = new ArrayList<>(2);
    collect(payload, key, 0, out);
    return out;
  }

  private static void collect(Object node, String key, int from, List<Object> out) {
    if (node instanceof List<?> list) {
      for (Object e : list) {
        collect(e, key, from, out);
      }
      return;
    }
    if (from > key.length()) {
      out.add(node);
      return;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return;
    }
    // Prefer the longest literal key so "a.b" stored flat also matches.
    if (map.containsKey(key.substring(from))) {
      collect(map.get(key.substring(from)), key, key.length() + 1, out);
      return;
    }
    int dot = key.indexOf('.', from);
    if (dot < 0) {
      return;
    }
    Object child = map.get(key.substring(from, dot));
    if (child != null) {
      collect(child, key, dot + 1, out);
    }
  }

  /** Equality between a payload value and a filter value (String, Long or Boolean). */
  public static boolean matches(Object payloadValue, Object filterValue) {
    if (filterValue instanceof Long l) {
      if (payloadValue instanceof Long p) {
        return p.longValue() == l;
      }
      if (payloadValue instanceof Integer p) {
        return p.longValue() == l;
      }
      return payloadValue instanceof Double d && d == (double) l;
    }
    return filterValue.equals(payloadValue);
  }

  /** The numeric value of a payload value, or NaN when it is not a number. */
  public static double number(Object v) {
    if (v instanceof Number n && !(v instanceof Float f && f.isNaN())) {
      return n.doubleValue();
    }
    return Double.NaN;
  }

  /** An integral payload value as a long, or null. */
  public static Long integral(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      return d.longValue();
    }
    return null;
  }

  /** An RFC 3339 / ISO-8601 payload string as an instant, or null when it is not one. */
  public static Instant instant(Object v) {
    if (!(v instanceof String s)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** Microseconds since the epoch, saturating. */
  public static long micros(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
