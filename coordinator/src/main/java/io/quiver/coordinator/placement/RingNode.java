package io.quiver.coordinator.placement;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.shard.NodeId;
import java.util.Objects;

/**
 * A data node as the ring sees it: its id, its capacity (the weight of its virtual nodes; 100 is
 * a standard node, the data node's default) and its zone (empty when it declares none).
 */
public record RingNode(NodeId id, int capacity, String zone) {
  public RingNode {
    Objects.requireNonNull(id, "id");
    if (capacity < 1) {
      throw new IllegalArgumentException("ring node " + id + " has capacity " + capacity + ", must be >= 1");
    }
    zone = zone == null ? "" : zone;
  }

  public static RingNode of(NodeLease lease) {
    return new RingNode(lease.nodeId(), lease.capacity(), lease.zone());
  }

  /** The key replicas are spread by: the zone, or the node itself when it declares none. */
  String spreadKey() {
    return zone.isEmpty() ? "node:" + id.value() : "zone:" + zone;
  }
}
