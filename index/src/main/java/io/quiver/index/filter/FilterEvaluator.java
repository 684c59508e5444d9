package io.quiver.index.filter;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.index.payload.FieldIndex;
import java.time.Instant;
import org.roaringbitmap.RoaringBitmap;

/**
 * Turns a filter into the bitmap of matching live ordinals of one {@link FilterTarget}. A clause
 * on an indexed field of a fitting type reads the index; any other clause is decided by
 * {@link PayloadMatcher} on each live point's payload (a scan, so index the fields you filter
 * on). The result is always a fresh bitmap the caller owns.
 */
public final class FilterEvaluator {
  private FilterEvaluator() {}

  /** Matching live ordinals; a null filter matches every live point. */
  public static RoaringBitmap evaluate(Filter f, FilterTarget t) {
    RoaringBitmap live = t.live();
    if (f == null) {
      return live.clone();
    }
    RoaringBitmap r = eval(f, t);
    r.and(live);
    return r;
  }

  private static RoaringBitmap eval(Filter f, FilterTarget t) {
    return switch (f) {
      case Filter.Bool b -> bool(b, t);
      case Filter.Match m -> {
        FieldIndex fi = t.payloadIndex().field(m.key());
        yield fi != null && fi.canMatch(m.value()) ? fi.exact(m.value()).clone() : scan(f, t);
      }
      case Filter.In in -> {
        FieldIndex fi = t.payloadIndex().field(in.key());
        if (fi == null || !in.values().stream().allMatch(fi::canMatch)) {
          yield scan(f, t);
        }
        RoaringBitmap r = new RoaringBitmap();
        in.values().forEach(v -> r.or(fi.exact(v)));
        yield r;
      }
      case Filter.Range r -> {
        FieldIndex fi = t.payloadIndex().field(r.key());
        yield fi != null && fi.canRange() ? fi.range(r.gt(), r.gte(), r.lt(), r.lte()) : scan(f, t);
      }
      case Filter.DatetimeRange r -> {
        FieldIndex fi = t.payloadIndex().field(r.key());
        if (fi == null || fi.type() != io.quiver.common.model.PayloadFieldType.DATETIME) {
          yield scan(f, t);
        }
        yield timeRange(fi, r);
      }
      case Filter.IsNull n -> scan(f, t);
      case Filter.HasId h -> {
        RoaringBitmap r = new RoaringBitmap();
        for (PointId id : h.ids()) {
          int ord = t.ordinal(id);
          if (ord >= 0) {
            r.add(ord);
          }
        }
        yield r;
      }
    };
  }

  private static RoaringBitmap bool(Filter.Bool b, FilterTarget t) {
    RoaringBitmap r = t.live().clone();
    for (Filter f : b.must()) {
      r.and(eval(f, t));
    }
    if (!b.should().isEmpty()) {
      RoaringBitmap any = new RoaringBitmap();
      for (Filter f : b.should()) {
        any.or(eval(f, t));
      }
      r.and(any);
    }
    for (Filter f : b.mustNot()) {
      r.andNot(eval(f, t));
    }
    return r;
  }

  private static RoaringBitmap timeRange(FieldIndex fi, Filter.DatetimeRange r) {
    Instant from = later(r.gt(), r.gte());
    boolean fromInclusive = from != null && from.equals(r.gte()) && !from.equals(r.gt());
    Instant to = earlier(r.lt(), r.lte());
    boolean toInclusive = to != null && to.equals(r.lte()) && !to.equals(r.lt());
    // Bounds are compared in microseconds, the resolution the index keeps.
    return fi.timeRange(PayloadMatcher.micros(from), fromInclusive, PayloadMatcher.micros(to), toInclusive);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  private static RoaringBitmap scan(Filter f, FilterTarget t) {
    RoaringBitmap r = new RoaringBitmap();
    var it = t.live().getIntIterator();
    while (it.hasNext()) {
      int ord = it.next();
      if (PayloadMatcher.matches(f, null, t.payload(ord))) {
        r.add(ord);
      }
    }
    return r;
  }
}
