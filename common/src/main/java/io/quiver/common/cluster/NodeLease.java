package io.quiver.common.cluster;

import io.quiver.common.shard.NodeId;
import java.util.Objects;

/**
 * A data node's lease: what its ephemeral znode says. {@code incarnation} is new at every
 * process start, so a changed incarnation reads as a restart.
 */
public record NodeLease(NodeId nodeId, String address, int capacity, String zone, String incarnation) {
  public NodeLease {
    Objects.requireNonNull(nodeId, "nodeId");
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("lease of " + nodeId + " has no address");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("lease of " + nodeId + " has capacity " + capacity + ", must be >= 1");
    }
    zone = zone == null ? "" : zone;
    Objects.requireNonNull(incarnation, "incarnation");
  }
}
