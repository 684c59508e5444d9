package io.quiver.common.cluster;

import io.quiver.common.shard.NodeId;
import java.util.Objects;

/**
 * A data node's lease: what its ephemeral znode says. {@code incarnation} is new at every
 * process start, so a changed incarnation reads as a restart. {@code raftAddress} and
 * {@code raftPeerId} ({@code node@storage}) say how shard groups reach the node's Raft server;
 * both are empty in the lease of a node that runs none.
 */
public record NodeLease(NodeId nodeId, String address, int capacity, String zone, String incarnation,
    String raftAddress, String raftPeerId) {
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
    raftAddress = raftAddress == null ? "" : raftAddress;
    raftPeerId = raftPeerId == null ? "" : raftPeerId;
    if (raftAddress.isEmpty() != raftPeerId.isEmpty()) {
      throw new IllegalArgumentException("lease of " + nodeId + " must give both or neither of the Raft address '"
          + raftAddress + "' and peer id '" + raftPeerId + "'");
    }
  }

  /** A lease without a Raft server. */
  public NodeLease(NodeId nodeId, String address, int capacity, String zone, String incarnation) {
    this(nodeId, address, capacity, zone, incarnation, "", "");
  }

  /** Whether shard groups can reach this node: it published its Raft address and peer id. */
  public boolean hasRaft() {
    return !raftPeerId.isEmpty();
  }
}
