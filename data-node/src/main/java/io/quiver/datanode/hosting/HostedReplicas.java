package io.quiver.datanode.hosting;

import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.ClusterSnapshot;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.datanode.shard.LocalShard;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas this node hosts, reconciled with each cluster snapshot: a shard placed here is
 * created, a replica whose collection was dropped (or left the catalog, or moved away) is deleted.
 * A lookup of a replica not hosted fails with SHARD_NOT_HOSTED, never an empty answer.
 */
public final class HostedReplicas {
  private static final Logger log = LoggerFactory.getLogger(HostedReplicas.class);

  private final NodeId self;
  // Lookups are lock-free; reconcile (one caller at a time: synchronized) is the only writer.
  private final ConcurrentMap<ShardId, LocalShard> replicas = new ConcurrentHashMap<>();

  public HostedReplicas(NodeId self) {
    this.self = self;
  }

  /**
   * @throws QuiverException SHARD_NOT_HOSTED naming the node and the shard
   */
  public LocalShard require(ShardId shard) {
    LocalShard s = replicas.get(shard);
    if (s == null) {
      throw new QuiverException(
          ErrorCode.SHARD_NOT_HOSTED, "data node " + self + " does not host shard " + shard);
    }
    return s;
  }

  /** The replica of {@code shard} if hosted here. */
  public java.util.Optional<LocalShard> find(ShardId shard) {
    return java.util.Optional.ofNullable(replicas.get(shard));
  }

  public List<LocalShard> all() {
    return List.copyOf(replicas.values());
  }

  public synchronized void reconcile(ClusterSnapshot snapshot) {
    Map<ShardId, CatalogEntry> wanted = new HashMap<>();
    for (CatalogEntry e : snapshot.collections().values()) {
      CollectionPlacement p = snapshot.placements().get(e.name());
      if (p == null || snapshot.dropped().contains(e.uuid())) {
        continue;
      }
      for (ShardPlacement s : p.shards()) {
        if (s.hosts(self)) {
          wanted.put(new ShardId(e.uuid(), s.shard()), e);
        }
      }
    }
    wanted.forEach((shard, entry) -> replicas.computeIfAbsent(shard, id -> {
      log.info("node {} hosts shard {} of collection {}", self, id, entry.name());
      return new LocalShard(id, entry.config());
    }));
    replicas.keySet().removeIf(shard -> {
      if (wanted.containsKey(shard)) {
        return false;
      }
      log.info("node {} deletes replica {} ({})", self, shard,
          snapshot.dropped().contains(shard.collection()) ? "collection dropped" : "no longer placed here");
      return true;
    });
  }
}
