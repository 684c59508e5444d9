package io.quiver.common.cluster;

/** Who leads the coordinators: node id, public gRPC address, and the epoch it leads in. */
public record LeaderInfo(String nodeId, String address, long epoch) {
  public LeaderInfo {
    if (nodeId == null || nodeId.isBlank() || address == null || address.isBlank()) {
      throw new IllegalArgumentException("leader info needs a node id and an address");
    }
  }
}
