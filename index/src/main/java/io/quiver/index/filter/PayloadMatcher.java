package io.quiver.index.filter;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.index.payload.PayloadValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Decides a filter for one point by reading its payload: the reference semantics that the
 * index-backed evaluation must agree with.
 */
public final class PayloadMatcher {
  private PayloadMatcher() {}

  public static boolean matches(Filter f, PointId id, Map<String, Object> payload) {
    return switch (f) {
      case Filter.Bool b -> bool(b, id, payload);
      case Filter.Match m -> PayloadValues.values(payload, m.key()).stream()
          .anyMatch(v -> v != null && PayloadValues.matches(v, m.value()));
      case Filter.In in -> PayloadValues.values(payload, in.key()).stream()
          .anyMatch(v -> v != null && in.values().stream().anyMatch(x -> PayloadValues.matches(v, x)));
      case Filter.Range r -> PayloadValues.values(payload, r.key()).stream()
          .mapToDouble(PayloadValues::number)
          .anyMatch(d -> !Double.isNaN(d) && r.test(d));
      case Filter.DatetimeRange r -> PayloadValues.values(payload, r.key()).stream()
          .map(PayloadValues::instant)
          .anyMatch(t -> t != null && r.test(t));
      case Filter.IsNull n -> PayloadValues.values(payload, n.key()).stream().allMatch(v -> v == null);
      case Filter.HasId h -> h.ids().contains(id);
    };
  }

  private static boolean bool(Filter.Bool b, PointId id, Map<String, Object> payload) {
    for (Filter f : b.must()) {
      if (!matches(f, id, payload)) {
        return false;
      }
    }
    for (Filter f : b.mustNot()) {
      if (matches(f, id, payload)) {
        return false;
      }
    }
    return b.should().isEmpty() || anyMatches(b.should(), id, payload);
  }

  private static boolean anyMatches(List<Filter> fs, PointId id, Map<String, Object> payload) {
    for (Filter f : fs) {
      if (matches(f, id, payload)) {
        return true;
      }
    }
    return false;
  }

  static Long micros(Instant t) {
    return t == null ? null : PayloadValues.micros(t);
  }
}
