package io.quiver.querynode.points;

import io.grpc.Deadline;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Limits;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.FieldList;
import io.quiver.proto.v1.PointGroup;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.Value;
import io.quiver.proto.v1.WithPayload;
import io.quiver.querynode.routing.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code group_by}: the best hits gathered in groups by a payload field's value, {@code k}
 * groups of at most {@code group_size} hits. The shards return plain top lists (with the group
 * field attached); the query node groups the merged list and, while fewer than {@code k} groups
 * are complete and some shard may hold more, asks again for four times as many candidates (up to
 * {@link Limits#MAX_K}). Groups are ordered by their best hit, which is also how they fill: the
 * first {@code k} groups seen in the best-first list are the answer.
 */
final class Grouping {
  static final int MAX_GROUP_SIZE = 100;
  static final int GROWTH = 4;

  private Grouping() {}

  static SearchResponse search(SearchPath path, Route route, SearchRequest req, float[] vector, Deadline deadline,
      Map<Integer, NodeId> servedBy, long start) {
    int k = req.getK();
    int size = req.getGroupSize() == 0 ? 1 : req.getGroupSize();
    if (size < 1 || size > MAX_GROUP_SIZE) {
      throw QuiverException.invalid("group_size must be in 1.." + MAX_GROUP_SIZE + " but was " + Integer.toUnsignedString(req.getGroupSize()));
    }
    if ((long) k * size > Limits.MAX_K) {
      throw QuiverException.invalid("k * group_size must be at most " + Limits.MAX_K + " but was " + k + " * " + size);
    }
    if (req.getOffset() != 0) {
      throw QuiverException.invalid("offset must be 0 with group_by but was " + req.getOffset());
    }
    SearchRequest fetch = req.toBuilder().setWithPayload(withField(req.getWithPayload(), req.getGroupBy())).build();
    int candidates = Math.min(Limits.MAX_K, k * size * GROWTH);
    while (true) {
      Gathered g = path.gather(route, path.base(fetch, vector, path.want(fetch, candidates)), candidates,
          SearchPath.threshold(req), req.getRead(), deadline, "vector");
      Map<Value, List<ScoredPoint>> groups = group(g.bestFirst(), req.getGroupBy(), k, size);
      boolean enough = groups.size() >= k && groups.values().stream().allMatch(l -> l.size() >= size);
      if (enough || !g.full() || candidates >= Limits.MAX_K) {
        SearchResponse.Builder out = SearchPath.response(g, req.getExplain());
        groups.forEach((key, hits) -> {
          PointGroup.Builder pg = out.addGroupsBuilder().setKey(key);
          hits.forEach(h -> pg.addHits(strip(h, req.getWithPayload(), req.getGroupBy())));
        });
        servedBy.putAll(g.servedBy());
        return out.setTookMicros((System.nanoTime() - start) / 1_000).build();
      }
      candidates = Math.min(Limits.MAX_K, candidates * GROWTH);
    }
  }

  /** The first {@code k} groups in order of their best hit, each with at most {@code size} hits. */
  static Map<Value, List<ScoredPoint>> group(List<ScoredPoint> bestFirst, String field, int k, int size) {
    Map<Value, List<ScoredPoint>> groups = new LinkedHashMap<>();
    for (ScoredPoint h : bestFirst) {
      for (Value key : keys(h.getPayload(), field)) {
        List<ScoredPoint> g = groups.get(key);
        if (g == null) {
          if (groups.size() >= k) {
            continue;
          }
          g = new ArrayList<>(size);
          groups.put(key, g);
        }
        if (g.size() < size) {
          g.add(h);
        }
      }
    }
    return groups;
  }

  /** The group keys of a payload: the field's scalar value, or each distinct scalar of a list. */
  static List<Value> keys(Struct payload, String dotted) {
    Value v = lookup(payload, dotted);
    if (v == null) {
      return List.of();
    }
    if (v.hasListValue()) {
      return v.getListValue().getValuesList().stream().filter(Grouping::groupable).distinct().toList();
    }
    return groupable(v) ? List.of(v) : List.of();
  }

  private static boolean groupable(Value v) {
    return v.hasStringValue() || v.hasIntValue() || v.hasBoolValue();
  }

  private static Value lookup(Struct payload, String dotted) {
    Struct at = payload;
    String[] parts = dotted.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      Value v = at.getFieldsMap().get(parts[i]);
      if (v == null || i == parts.length - 1) {
        return v;
      }
      if (!v.hasStructValue()) {
        return null;
      }
      at = v.getStructValue();
    }
    return null;
  }

  /** The caller's payload choice with the group field added (so the shards return it). */
  private static WithPayload withField(WithPayload asked, String field) {
    if (asked.getKindCase() == WithPayload.KindCase.ENABLE && asked.getEnable()) {
      return asked;
    }
    FieldList.Builder fields = FieldList.newBuilder();
    if (asked.hasInclude()) {
      fields.addAllFields(asked.getInclude().getFieldsList());
    }
    return WithPayload.newBuilder().setInclude(fields.addFields(field)).build();
  }

  /** The hit with only the payload the caller asked for. */
  private static ScoredPoint strip(ScoredPoint h, WithPayload asked, String field) {
    if (asked.getKindCase() == WithPayload.KindCase.ENABLE && asked.getEnable()) {
      return h;
    }
    if (!asked.hasInclude()) {
      return h.toBuilder().clearPayload().build();
    }
    if (asked.getInclude().getFieldsList().contains(field)) {
      return h;
    }
    // The shard's field selection keeps dotted paths under their top-level key.
    String top = field.split("\\.")[0];
    boolean askedUnderTop = asked.getInclude().getFieldsList().stream().anyMatch(f -> f.split("\\.")[0].equals(top));
    return askedUnderTop ? h : h.toBuilder().setPayload(h.getPayload().toBuilder().removeFields(top)).build();
  }
}
