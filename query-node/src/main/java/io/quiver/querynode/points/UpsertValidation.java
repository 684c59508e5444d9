package io.quiver.querynode.points;

import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Limits;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardRouter;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.PointStruct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks an upsert batch (naming {@code points[i].…} and the value) and splits it by shard. */
final class UpsertValidation {
  private UpsertValidation() {}

  static Map<Integer, List<PointStruct>> byShard(List<PointStruct> points, int dimension, int shards) {
    if (points.isEmpty() || points.size() > Limits.MAX_BATCH_POINTS) {
      throw QuiverException.invalid(
          "points has " + points.size() + " points; an upsert takes 1.." + Limits.MAX_BATCH_POINTS);
    }
    Map<PointId, Integer> seen = new HashMap<>();
    Map<Integer, List<PointStruct>> out = new TreeMap<>();
    for (int i = 0; i < points.size(); i++) {
      PointStruct p = points.get(i);
      String field = "points[" + i + "]";
      PointId id = WireValues.pointId(field + ".id", p.getId());
      Integer before = seen.putIfAbsent(id, i);
      if (before != null) {
        throw QuiverException.invalid(
            field + ".id " + id + " repeats points[" + before + "].id: ids must be unique within a batch");
      }
      WireVectors.vector(field + ".vector", p.getVector(), dimension);
      out.computeIfAbsent(ShardRouter.shardOf(id, shards), s -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /** Ids split by shard, each checked ({@code field[i]}), duplicates kept once. */
  static Map<Integer, List<io.quiver.proto.v1.PointId>> idsByShard(
      String field, List<io.quiver.proto.v1.PointId> ids, int shards) {
    Map<Integer, List<io.quiver.proto.v1.PointId>> out = new TreeMap<>();
    java.util.Set<PointId> seen = new java.util.HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      PointId id = WireValues.pointId(field + "[" + i + "]", ids.get(i));
      if (seen.add(id)) {
        out.computeIfAbsent(ShardRouter.shardOf(id, shards), s -> new ArrayList<>()).add(ids.get(i));
      }
    }
    return out;
  }
}
