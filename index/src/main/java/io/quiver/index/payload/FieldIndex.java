package io.quiver.index.payload;

import io.quiver.common.model.PayloadFieldType;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The index of one payload field: every ordinal whose payload holds a value, by value. Exact
 * values (keyword, bool, integer) map to bitmaps; numbers and datetimes also sit in a sorted map
 * so a range is the union of one sub-map. Not thread-safe: the owning segment guards it.
 */
public final class FieldIndex {
  private final PayloadFieldType type;
  private final Map<Object, RoaringBitmap> exact = new HashMap<>();
  private final TreeMap<Double, RoaringBitmap> numbers = new TreeMap<>();
  private final TreeMap<Long, RoaringBitmap> times = new TreeMap<>();

  public FieldIndex(PayloadFieldType type) {
    this.type = type;
  }

  public PayloadFieldType type() {
    return type;
  }

  /** Indexes the payload value {@code v} for ordinal {@code ord}; values of another type are skipped. */
  public void add(int ord, Object v) {
    switch (type) {
      case KEYWORD -> {
        if (v instanceof String s) {
          exact.computeIfAbsent(s, k -> new RoaringBitmap()).add(ord);
        }
      }
      case BOOL -> {
        if (v instanceof Boolean b) {
          exact.computeIfAbsent(b, k -> new RoaringBitmap()).add(ord);
        }
      }
      case INTEGER, FLOAT -> {
        double d = PayloadValues.number(v);
        if (!Double.isNaN(d)) {
          numbers.computeIfAbsent(d, k -> new RoaringBitmap()).add(ord);
          Long l = PayloadValues.integral(v);
          if (l != null) {
            exact.computeIfAbsent(l, k -> new RoaringBitmap()).add(ord);
          }
        }
      }
      case DATETIME -> {
        var t = PayloadValues.instant(v);
        if (t != null) {
          times.computeIfAbsent(PayloadValues.micros(t), k -> new RoaringBitmap()).add(ord);
        }
      }
      case TEXT -> {
        // Text fields are searched through BM25, not filtered.
      }
    }
  }

  /** Whether {@link #exact} can answer a match of {@code value} on this field. */
  public boolean canMatch(Object value) {
    return switch (type) {
      case KEYWORD -> value instanceof String;
      case BOOL -> value instanceof Boolean;
      case INTEGER, FLOAT -> value instanceof Long;
      default -> false;
    };
  }

  /** Ordinals holding {@code value} (a shared bitmap: do not modify). */
  public RoaringBitmap exact(Object value) {
    RoaringBitmap b = exact.get(value);
    return b == null ? new RoaringBitmap() : b;
  }

  public boolean canRange() {
    return type == PayloadFieldType.INTEGER || type == PayloadFieldType.FLOAT;
  }

  /** Ordinals with a number in the range ({@code null} bounds are open). */
  public RoaringBitmap range(Double gt, Double gte, Double lt, Double lte) {
    double lo = Double.NEGATIVE_INFINITY;
    boolean loInclusive = true;
    if (gte != null || gt != null) {
      loInclusive = gt == null || (gte != null && gte > gt);
      lo = gt == null ? gte : (gte != null && gte > gt ? gte : gt);
    }
    double hi = Double.POSITIVE_INFINITY;
    boolean hiInclusive = true;
    if (lte != null || lt != null) {
      hiInclusive = lt == null || (lte != null && lte < lt);
      hi = lt == null ? lte : (lte != null && lte < lt ? lte : lt);
    }
    if (lo > hi || (lo == hi && !(loInclusive && hiInclusive))) {
      return new RoaringBitmap();
    }
    return RoaringBitmap.or(numbers.subMap(lo, loInclusive, hi, hiInclusive).values().iterator());
  }

  /** Ordinals with a datetime between the bounds, in microseconds ({@code null} bounds are open). */
  public RoaringBitmap timeRange(Long fromMicros, boolean fromInclusive, Long toMicros, boolean toInclusive) {
    long lo = fromMicros == null ? Long.MIN_VALUE : fromMicros;
    long hi = toMicros == null ? Long.MAX_VALUE : toMicros;
    boolean loIn = fromMicros == null || fromInclusive;
    boolean hiIn = toMicros == null || toInclusive;
    if (lo > hi || (lo == hi && !(loIn && hiIn))) {
      return new RoaringBitmap();
    }
    NavigableMap<Long, RoaringBitmap> m = times.subMap(lo, loIn, hi, hiIn);
    return RoaringBitmap.or(m.values().iterator());
  }
}
