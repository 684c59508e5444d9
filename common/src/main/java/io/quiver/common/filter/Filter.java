package io.quiver.common.filter;

import io.quiver.common.model.PointId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A structured payload filter, the model behind the wire {@code Filter} message and the SDK's
 * string form. Keys are dotted paths into the payload ({@code "meta.author.name"}); where a path
 * meets an array, a condition holds when it holds for any element.
 *
 * <p>Semantics of {@link Bool}: every {@code must} holds, at least one {@code should} holds
 * (when any are given), and no {@code mustNot} holds. An empty {@code Bool} matches every point.
 */
public sealed interface Filter
    permits Filter.Bool, Filter.Match, Filter.In, Filter.Range, Filter.DatetimeRange,
        Filter.IsNull, Filter.HasId {

  /** Matches every point. */
  Filter ALL = new Bool(List.of(), List.of(), List.of());

  /** Boolean combination of clauses. */
  record Bool(List<Filter> must, List<Filter> should, List<Filter> mustNot) implements Filter {
    public Bool {
      must = List.copyOf(must);
      should = List.copyOf(should);
      mustNot = List.copyOf(mustNot);
    }

    public boolean matchesAll() {
      return must.isEmpty() && should.isEmpty() && mustNot.isEmpty();
    }
  }

  /**
   * Exact match of a keyword (String), integer (Long) or bool (Boolean) value.
   */
  record Match(String key, Object value) implements Filter {
    public Match {
      checkKey(key);
      checkScalar(key, value);
    }
  }

  /** Matches when the value equals any of {@code values} (Strings, Longs or Booleans). */
  record In(String key, List<Object> values) implements Filter {
    public In {
      checkKey(key);
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException("filter 'in' on '" + key + "' needs at least one value");
      }
      for (Object v : values) {
        checkScalar(key, v);
      }
      values = List.copyOf(values);
    }
  }

  /** Numeric range over integer or float values; a null bound is open. */
  record Range(String key, Double gt, Double gte, Double lt, Double lte) implements Filter {
    public Range {
      checkKey(key);
      if (gt == null && gte == null && lt == null && lte == null) {
        throw new IllegalArgumentException("filter range on '" + key + "' needs at least one bound");
      }
      for (Double d : new Double[] {gt, gte, lt, lte}) {
        if (d != null && d.isNaN()) {
          throw new IllegalArgumentException("filter range on '" + key + "' has a NaN bound");
        }
      }
    }

    public boolean test(double v) {
      return (gt == null || v > gt)
          && (gte == null || v >= gte)
          && (lt == null || v < lt)
          && (lte == null || v <= lte);
    }
  }

  /** Range over datetime values (payload strings in RFC 3339 / ISO-8601); a null bound is open. */
  record DatetimeRange(String key, Instant gt, Instant gte, Instant lt, Instant lte) implements Filter {
    public DatetimeRange {
      checkKey(key);
      if (gt == null && gte == null && lt == null && lte == null) {
        throw new IllegalArgumentException("filter datetime range on '" + key + "' needs at least one bound");
      }
    }

    public boolean test(Instant v) {
      return (gt == null || v.isAfter(gt))
          && (gte == null || !v.isBefore(gte))
          && (lt == null || v.isBefore(lt))
          && (lte == null || !v.isAfter(lte));
    }
  }

  /** Matches when the key is absent, null, or an empty array. */
  record IsNull(String key) implements Filter {
    public IsNull {
      checkKey(key);
    }
  }

  /** Matches points whose id is in the set. */
  record HasId(Set<PointId> ids) implements Filter {
    public HasId {
      Objects.requireNonNull(ids, "ids");
      ids = Set.copyOf(ids);
    }
  }

  static Filter must(Filter... clauses) {
    return new Bool(List.of(clauses), List.of(), List.of());
  }

  static Filter should(Filter... clauses) {
    return new Bool(List.of(), List.of(clauses), List.of());
  }

  static Filter not(Filter... clauses) {
    return new Bool(List.of(), List.of(), List.of(clauses));
  }

  private static void checkKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("filter key must not be empty");
    }
  }

  private static void checkScalar(String key, Object value) {
    if (!(value instanceof String || value instanceof Long || value instanceof Boolean)) {
      throw new IllegalArgumentException(
          "filter value for '" + key + "' must be a string, integer or bool but was " + value);
    }
  }
}
