package io.quiver.querynode.routing;

import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.ClusterSnapshot;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.ShardRef;
import java.util.Map;

/** Everything needed to reach one collection's shards, taken from one cluster snapshot. */
public record Route(CatalogEntry entry, CollectionPlacement placement, Map<NodeId, NodeLease> leases) {

  /**
   * @throws QuiverException NOT_FOUND naming the collection
   */
  public static Route of(ClusterSnapshot view, String collection) {
    CatalogEntry e = view.collections().get(collection);
    CollectionPlacement p = view.placements().get(collection);
    if (e == null || p == null) {
      throw QuiverException.notFound("collection '" + collection + "' does not exist");
    }
    return new Route(e, p, view.leases());
  }

  public int shardCount() {
    return entry.config().shardCount();
  }

  public ShardRef ref(int shard) {
    return ShardRef.newBuilder().setCollectionUuid(entry.uuid().toString()).setShard(shard).build();
  }

  /** How a shard is named in errors. */
  public String describe(int shard) {
    return "shard " + shard + " of collection '" + entry.name() + "'";
  }
}
