package io.quiver.common.cluster;

import java.util.UUID;

/**
 * The znode layout under a configurable root (default {@code /quiver}), as in ARCHITECTURE.md.
 * One place names every path, so roles cannot disagree on where a record lives.
 */
public record ZkPaths(String root) {
  public static final String DEFAULT_ROOT = "/quiver";

  public ZkPaths {
    if (root == null || !root.startsWith("/") || (root.length() > 1 && root.endsWith("/"))) {
      throw new IllegalArgumentException("zookeeper.root must start with '/' and not end with one but was '" + root + "'");
    }
    if (root.equals("/")) {
      root = "";
    }
  }

  /** Curator LeaderLatch of the coordinators. */
  public String leaderLatch() {
    return root + "/coordinators/leader-latch";
  }

  /** Bumped by each new leading coordinator; every coordinator write checks its version. */
  public String epoch() {
    return root + "/coordinators/epoch";
  }

  /** Ephemeral: the leading coordinator's id, address and epoch, for query nodes. */
  public String leader() {
    return root + "/coordinators/leader";
  }

  public String nodes() {
    return root + "/nodes";
  }

  /** A data node's ephemeral lease. */
  public String node(String nodeId) {
    return nodes() + "/" + nodeId;
  }

  /** Nodes whose lease vanished, each with the time it was noticed (persistent; the replace-delay clock). */
  public String nodesLost() {
    return root + "/nodes-lost";
  }

  public String nodeLost(String nodeId) {
    return nodesLost() + "/" + nodeId;
  }

  /** Nodes being drained: the ring leaves them out, so their replicas move away. */
  public String draining() {
    return root + "/draining";
  }

  public String draining(String nodeId) {
    return draining() + "/" + nodeId;
  }

  /** Rebalance plans and their moves in progress, for resumption after a coordinator failover. */
  public String rebalance() {
    return root + "/rebalance";
  }

  public String rebalance(String planId) {
    return rebalance() + "/" + planId;
  }

  public String collections() {
    return root + "/collections";
  }

  public String collection(String name) {
    return collections() + "/" + name;
  }

  public String placement(String name) {
    return collection(name) + "/placement";
  }

  public String dropped() {
    return root + "/dropped";
  }

  public String dropped(UUID uuid) {
    return dropped() + "/" + uuid;
  }
}
