package io.quiver.it;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.datanode.raft.RaftSettings;
import io.quiver.querynode.QueryNodeConfig;
import io.quiver.querynode.QueryNodeServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;

/**
 * A real cluster on loopback for a test class: a ZooKeeper (Curator's testing server), one
 * coordinator, {@code dataNodes} data nodes and one query node, each its own component with its
 * own ZooKeeper session, gRPC and Raft servers. ZooKeeper sessions and Raft election timeouts
 * get 3x the default, so a starved 2-core machine neither expires them nor fails over for
 * nothing. A data node can be stopped and started again on its directory.
 */
final class LoopbackCluster implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final TestingServer zk;
  /** Replaced by {@link #restartQueryNode}. Test thread only. */
  private QueryNodeServer queryNode;
  private final Path dir;
  /** The data nodes by number - 1; null while stopped. Test thread only. */
  private final List<DataNodeServer> dataNodes = new ArrayList<>();

  LoopbackCluster(Path dir, int dataNodes) throws Exception {
    this.dir = dir;
    zk = new TestingServer(true);
    started.push(zk);
    try {
      started.push(CoordinatorServer.start(CoordinatorConfig.from(source(Map.of(CoordinatorConfig.PORT, "0")))));
      for (int i = 1; i <= dataNodes; i++) {
        this.dataNodes.add(null);
        startDataNode(i);
      }
      queryNode = QueryNodeServer.start(QueryNodeConfig.from(source(Map.of(QueryNodeConfig.PORT, "0"))));
      started.push(queryNode);
      queryNode.awaitReady(dataNodes, Duration.ofSeconds(60));
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Starts data node {@code n} (1-based) on its directory: a first start, or a restart after {@link #stopDataNode}. */
  DataNodeServer startDataNode(int n) {
    DataNodeServer s = DataNodeServer.start(DataNodeConfig.from(source(Map.of(
        DataNodeConfig.NODE_ID, "data-node-" + n,
        DataNodeConfig.PORT, "0",
        DataNodeConfig.RAFT_PORT, "0",
        DataNodeConfig.DATA_DIR, dir.resolve("data-node-" + n).toString()))));
    dataNodes.set(n - 1, s);
    return s;
  }

  /** Stops data node {@code n}: its lease, its gRPC and Raft servers go; its directory stays. */
  void stopDataNode(int n) {
    DataNodeServer s = dataNodes.set(n - 1, null);
    if (s != null) {
      s.close();
    }
  }

  /** Data node {@code n}, or null while stopped. */
  DataNodeServer dataNode(int n) {
    return dataNodes.get(n - 1);
  }

  int dataNodeCount() {
    return dataNodes.size();
  }

  private ConfigSource source(Map<String, String> role) {
    Map<String, String> m = new HashMap<>(role);
    m.put(ZkSettings.CONNECT, zk.getConnectString());
    // Ephemeral ports for every role's /metrics and health endpoints too.
    for (String r : new String[] {"coordinator", "data-node", "query-node"}) {
      m.put(r + ".http-port", "0");
    }
    m.put(ZkSettings.SESSION_TIMEOUT, "30s");
    m.put(ZkSettings.CONNECTION_TIMEOUT, "30s");
    m.put(RaftSettings.KEYS[0], "3s"); // election timeout min, 3x
    m.put(RaftSettings.KEYS[1], "6s"); // election timeout max, 3x
    return ConfigSource.of(m);
  }

  /**
   * Stops the query node and starts a fresh one (a new process would hold nothing more: query
   * nodes keep no state). Its port changes; {@link #endpoint()} gives the new one.
   */
  void restartQueryNode() {
    started.remove(queryNode);
    queryNode.close();
    queryNode = QueryNodeServer.start(QueryNodeConfig.from(source(Map.of(QueryNodeConfig.PORT, "0"))));
    started.push(queryNode);
    queryNode.awaitReady(dataNodes.size(), Duration.ofSeconds(60));
  }

  /** The query node's {@code host:port}: where clients connect. */
  String endpoint() {
    return queryNode.address();
  }

  @Override
  public void close() {
    for (int n = dataNodes.size(); n >= 1; n--) {
      stopDataNode(n);
    }
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException("stopping the cluster failed", e);
      }
    }
  }
}
