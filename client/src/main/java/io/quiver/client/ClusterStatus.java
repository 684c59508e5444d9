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

  /**
   * One node of the cluster. Memory is the heap in use after collection, disk the bytes under the
   * data directory; the node refuses writes above a budget (disk budget 0: none). All four are 0
   * for a node that did not answer.
   */
  public record Node(
      String nodeId, String role, String address, boolean live, String zone, int replicas, int leaders,
      long memoryUsedBytes, long memoryBudgetBytes, long diskUsedBytes, long diskBudgetBytes) {}
}
