package io.quiver.client;

import java.util.List;

/** The cluster as the query node sees it: nodes and their leases, coordinator leadership, moves. */
public record ClusterStatus(
    List<Node> nodes,
    String coordinatorLeader,
    long coordinatorEpoch,
    int collections,
    int movesInProgress,
    int movesDone,
    int movesTotal,
    long bytesCopied) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /** One node of the cluster. */
  public record Node(
      String nodeId, String role, String address, boolean live, String zone, int replicas, int leaders) {}
}
