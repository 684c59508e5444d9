package io.quiver.common.wire;

import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.proto.v1.Condition;
import io.quiver.proto.v1.DatetimeRange;
import io.quiver.proto.v1.FieldIn;
import io.quiver.proto.v1.FieldMatch;
import io.quiver.proto.v1.HasId;
import io.quiver.proto.v1.IsNull;
import io.quiver.proto.v1.MatchValue;
import io.quiver.proto.v1.NumberRange;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The filter model between proto and {@link Filter}, validated with the offending field named. */
public final class WireFilters {
  /** Nesting deeper than this is refused: it is either a bug or an attack on the stack. */
  public static final int MAX_DEPTH = 32;

  private WireFilters() {}

  /** The model of a proto filter; an absent or empty one becomes {@link Filter#ALL}. */
  public static Filter fromProto(io.quiver.proto.v1.Filter f) {
    return fromProto("filter", f, 0);
  }

  private static Filter fromProto(String path, io.quiver.proto.v1.Filter f, int depth) {
    if (depth > MAX_DEPTH) {
      throw QuiverException.invalid(path + " is nested deeper than " + MAX_DEPTH + " levels");
    }
    return new Filter.Bool(
        conditions(path + ".must", f.getMustList(), depth),
        conditions(path + ".should", f.getShouldList(), depth),
        conditions(path + ".must_not", f.getMustNotList(), depth));
  }

  private static List<Filter> conditions(String path, List<Condition> cs, int depth) {
    List<Filter> out = new ArrayList<>(cs.size());
    for (int i = 0; i < cs.size(); i++) {
      out.add(condition(path + "[" + i + "]", cs.get(i), depth));
    }
    return out;
  }

  private static Filter condition(String path, Condition c, int depth) {
    try {
      return switch (c.getKindCase()) {
        case MATCH -> new Filter.Match(c.getMatch().getKey(), scalar(path, c.getMatch().getValue()));
        case IN -> {
          List<Object> vs = new ArrayList<>();
          for (MatchValue v : c.getIn().getValuesList()) {
            vs.add(scalar(path, v));
          }
          yield new Filter.In(c.getIn().getKey(), vs);
        }
        case RANGE -> {
          NumberRange r = c.getRange();
          yield new Filter.Range(
              r.getKey(),
              r.hasGt() ? r.getGt() : null,
              r.hasGte() ? r.getGte() : null,
              r.hasLt() ? r.getLt() : null,
              r.hasLte() ? r.getLte() : null);
        }
        case DATETIME_RANGE -> {
          DatetimeRange r = c.getDatetimeRange();
          yield new Filter.DatetimeRange(
              r.getKey(),
              instant(path + ".gt", r.getGt()),
              instant(path + ".gte", r.getGte()),
              instant(path + ".lt", r.getLt()),
              instant(path + ".lte", r.getLte()));
        }
        case IS_NULL -> new Filter.IsNull(c.getIsNull().getKey());
        case HAS_ID -> {
          Set<PointId> ids = new HashSet<>();
          for (int i = 0; i < c.getHasId().getIdsCount(); i++) {
            ids.add(WireValues.pointId(path + ".has_id.ids[" + i + "]", c.getHasId().getIds(i)));
          }
          yield new Filter.HasId(ids);
        }
        case FILTER -> fromProto(path + ".filter", c.getFilter(), depth + 1);
        case KIND_NOT_SET -> throw QuiverException.invalid(path + " is an empty condition");
      };
    } catch (IllegalArgumentException e) {
      throw new QuiverException(
          io.quiver.common.error.ErrorCode.INVALID_ARGUMENT, path + ": " + e.getMessage(), e);
    }
  }

  private static Object scalar(String path, MatchValue v) {
    return switch (v.getKindCase()) {
      case KEYWORD -> v.getKeyword();
      case INTEGER -> v.getInteger();
      case BOOLEAN -> v.getBoolean();
      case KIND_NOT_SET -> throw QuiverException.invalid(path + " has a match value with no keyword, integer or boolean");
    };
  }

  /** Parses an RFC 3339 timestamp; empty means an open bound. */
  public static Instant instant(String field, String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e2) {
        throw QuiverException.invalid(field + " '" + s + "' is not an RFC 3339 timestamp");
      }
    }
  }

  /** The proto form of a model filter. */
  public static io.quiver.proto.v1.Filter toProto(Filter f) {
    if (f instanceof Filter.Bool b) {
      io.quiver.proto.v1.Filter.Builder out = io.quiver.proto.v1.Filter.newBuilder();
      b.must().forEach(x -> out.addMust(toCondition(x)));
      b.should().forEach(x -> out.addShould(toCondition(x)));
      b.mustNot().forEach(x -> out.addMustNot(toCondition(x)));
      return out.build();
    }
    return io.quiver.proto.v1.Filter.newBuilder().addMust(toCondition(f)).build();
  }

  private static Condition toCondition(Filter f) {
    Condition.Builder c = Condition.newBuilder();
    switch (f) {
      case Filter.Bool b -> c.setFilter(toProto(b));
      case Filter.Match m -> c.setMatch(FieldMatch.newBuilder().setKey(m.key()).setValue(toMatchValue(m.value())));
      case Filter.In in -> {
        FieldIn.Builder b = FieldIn.newBuilder().setKey(in.key());
        in.values().forEach(v -> b.addValues(toMatchValue(v)));
        c.setIn(b);
      }
      case Filter.Range r -> {
        NumberRange.Builder b = NumberRange.newBuilder().setKey(r.key());
        if (r.gt() != null) b.setGt(r.gt());
        if (r.gte() != null) b.setGte(r.gte());
        if (r.lt() != null) b.setLt(r.lt());
        if (r.lte() != null) b.setLte(r.lte());
        c.setRange(b);
      }
      case Filter.DatetimeRange r -> {
        DatetimeRange.Builder b = DatetimeRange.newBuilder().setKey(r.key());
        if (r.gt() != null) b.setGt(r.gt().toString());
        if (r.gte() != null) b.setGte(r.gte().toString());
        if (r.lt() != null) b.setLt(r.lt().toString());
        if (r.lte() != null) b.setLte(r.lte().toString());
        c.setDatetimeRange(b);
      }
      case Filter.IsNull n -> c.setIsNull(IsNull.newBuilder().setKey(n.key()));
      case Filter.HasId h -> {
        HasId.Builder b = HasId.newBuilder();
        h.ids().stream().sorted().forEach(id -> b.addIds(WireValues.toProto(id)));
        c.setHasId(b);
      }
    }
    return c.build();
  }

  private static MatchValue toMatchValue(Object v) {
    if (v instanceof String s) {
      return MatchValue.newBuilder().setKeyword(s).build();
    }
    if (v instanceof Long l) {
      return MatchValue.newBuilder().setInteger(l).build();
    }
    return MatchValue.newBuilder().setBoolean((Boolean) v).build();
  }
}
