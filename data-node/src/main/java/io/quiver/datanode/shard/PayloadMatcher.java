package io.quiver.datanode.shard;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a {@link Filter} on one point. Keys are dotted paths; where a path meets an array
 * the condition holds when it holds for any element (arrays of objects are walked too).
 */
public final class PayloadMatcher {
  private PayloadMatcher() {}

  public static boolean matches(Filter f, PointId id, Map<String, Object> payload) {
    return switch (f) {
      case Filter.Bool b -> b.must().stream().allMatch(x -> matches(x, id, payload))
          && (b.should().isEmpty() || b.should().stream().anyMatch(x -> matches(x, id, payload)))
          && b.mustNot().stream().noneMatch(x -> matches(x, id, payload));
      case Filter.Match m -> values(payload, m.key()).stream().anyMatch(v -> same(v, m.value()));
      case Filter.In in -> values(payload, in.key()).stream()
          .anyMatch(v -> in.values().stream().anyMatch(w -> same(v, w)));
      case Filter.Range r -> values(payload, r.key()).stream()
          .anyMatch(v -> v instanceof Number n && r.test(n.doubleValue()));
      case Filter.DatetimeRange r -> values(payload, r.key()).stream()
          .map(PayloadMatcher::instant)
          .anyMatch(t -> t != null && r.test(t));
      case Filter.IsNull n -> values(payload, n.key()).isEmpty();
      case Filter.HasId h -> h.ids().contains(id);
    };
  }

  /** The non-null leaf values at a dotted path, arrays flattened. */
  static List<Object> values(Map<String, Object> payload, String key) {
    List<Object> out = new ArrayList<>();
    if (payload.containsKey(key)) {
      collect(payload.get(key), out);
    } else {
      walk(payload, key.split("\\."), 0, out);
    }
    return out;
  }

  private static void walk(Object cur, String[] parts, int i, List<Object> out) {
    if (i == parts.length) {
      collect(cur, out);
    } else if (cur instanceof Map<?, ?> m) {
      walk(m.get(parts[i]), parts, i + 1, out);
    } else if (cur instanceof List<?> l) {
      l.forEach(x -> walk(x, parts, i, out));
    }
  }

  private static void collect(Object v, List<Object> out) {
    if (v instanceof List<?> l) {
      l.forEach(x -> collect(x, out));
    } else if (v != null) {
      out.add(v);
    }
  }

  /** Integers match integral doubles (a payload 3.0 matches 3); otherwise plain equality. */
  private static boolean same(Object stored, Object wanted) {
    if (stored instanceof Number a && wanted instanceof Long b) {
      return a instanceof Long ? a.longValue() == b : a.doubleValue() == b.doubleValue();
    }
    return stored.equals(wanted);
  }

  private static Instant instant(Object v) {
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
}
