package io.quiver.common.cluster;

import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One consistent-enough view of the cluster records, rebuilt on every ZooKeeper change and
 * swapped whole: the catalog, the placements, the leases, the leading coordinator (null when
 * none) and the UUIDs of dropped collections.
 */
public record ClusterSnapshot(
    Map<String, CatalogEntry> collections,
    Map<String, CollectionPlacement> placements,
    Map<NodeId, NodeLease> leases,
    LeaderInfo leader,
    Set<UUID> dropped) {
  public static final ClusterSnapshot EMPTY = new ClusterSnapshot(Map.of(), Map.of(), Map.of(), null, Set.of());

  public ClusterSnapshot {
    collections = Map.copyOf(collections);
    placements = Map.copyOf(placements);
    leases = Map.copyOf(leases);
    dropped = Set.copyOf(dropped);
  }

  public Optional<CatalogEntry> collection(String name) {
    return Optional.ofNullable(collections.get(name));
  }

  public Optional<CollectionPlacement> placement(String name) {
    return Optional.ofNullable(placements.get(name));
  }

  public Optional<NodeLease> lease(NodeId node) {
    return Optional.ofNullable(leases.get(node));
  }
}
