package io.quiver.it;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.querynode.QueryNodeConfig;
import io.quiver.querynode.QueryNodeServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.curator.test.TestingServer;

/**
 * A real cluster on loopback for a test class: a ZooKeeper (Curator's testing server), one
 * coordinator, {@code dataNodes} data nodes and one query node, each its own component with its
 * own ZooKeeper session and gRPC server. ZooKeeper sessions get 3x the default timeout, so a
 * starved 2-core machine does not expire them.
 */
final class LoopbackCluster implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final TestingServer zk;
  private final QueryNodeServer queryNode;

  LoopbackCluster(Path dir, int dataNodes) throws Exception {
    zk = new TestingServer(true);
    started.push(zk);
    try {
      started.push(CoordinatorServer.start(CoordinatorConfig.from(source(Map.of(CoordinatorConfig.PORT, "0")))));
      for (int i = 1; i <= dataNodes; i++) {
        started.push(DataNodeServer.start(DataNodeConfig.from(source(Map.of(
            DataNodeConfig.NODE_ID, "data-node-" + i,
            DataNodeConfig.PORT, "0",
            DataNodeConfig.RAFT_PORT, "0",
          DataNodeConfig.RAFT_PORT, "0",
            DataNodeConfig.DATA_DIR, dir.resolve("data-node-" + i).toString())))));
      }
      queryNode = QueryNodeServer.start(QueryNodeConfig.from(source(Map.of(QueryNodeConfig.PORT, "0"))));
      started.push(queryNode);
      queryNode.awaitReady(dataNodes, Duration.ofSeconds(60));
    } catch (Exception | Error e) {
      close();
      throw e;
    }
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
    return ConfigSource.of(m);
  }

  /** The query node's {@code host:port}: where clients connect. */
  String endpoint() {
    return queryNode.address();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException("stopping the cluster failed", e);
      }
    }
  }
}
