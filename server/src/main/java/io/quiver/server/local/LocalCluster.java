package io.quiver.server.local;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every role in one JVM: an embedded ZooKeeper, one coordinator, {@code dataNodes} data nodes
 * and one query node, all on loopback, data under {@code dataDir}. {@link #close()} stops them
 * in reverse order of start. Not thread-safe: start and close from one thread (the shutdown
 * hook closes it once the start has returned).
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);
  /** How long start-up may take before {@code quiver local} gives up. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** Everything closable, newest first. */
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Path dataDir;
  private String zookeeper;
  private QueryNodeServer queryNode;

  private LocalCluster(Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Starts everything and waits until the query node sees the leading coordinator and every data
   * node. On failure, whatever had started is stopped again.
   *
   * @param queryPort the client port (0: ephemeral)
   */
  public static LocalCluster start(Path dataDir, int queryPort, int dataNodes) {
    LocalCluster c = new LocalCluster(dataDir.toAbsolutePath().normalize());
    try {
      c.startAll(queryPort, dataNodes);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startAll(int queryPort, int dataNodes) {
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir.resolve("zookeeper"), 0);
    started.push(zk);
    zookeeper = zk.connectString();
    log.info("embedded zookeeper on {}", zookeeper);

    started.push(CoordinatorServer.start(CoordinatorConfig.from(source(Map.of(
        CoordinatorConfig.NODE_ID, "coordinator-1", CoordinatorConfig.PORT, "0")))));
    for (int i = 1; i <= dataNodes; i++) {
      String id = "data-node-" + i;
      started.push(DataNodeServer.start(DataNodeConfig.from(source(Map.of(
          DataNodeConfig.NODE_ID, id,
          DataNodeConfig.PORT, "0",
          DataNodeConfig.RAFT_PORT, "0",
          DataNodeConfig.DATA_DIR, dataDir.resolve(id).toString())))));
    }
    // The REST port sits beside the client port (6400 -> 6401, the query node's own defaults) so
    // the README's curl commands reach it; with an ephemeral client port it is ephemeral too.
    Map<String, String> query = new HashMap<>(Map.of(
        QueryNodeConfig.NODE_ID, "query-node-1", QueryNodeConfig.PORT, String.valueOf(queryPort)));
    query.put(QueryNodeConfig.HTTP_PORT, queryPort == 0 ? "0" : String.valueOf(queryPort + 1));
    queryNode = QueryNodeServer.start(QueryNodeConfig.from(source(query)));
    started.push(queryNode);
    queryNode.awaitReady(dataNodes, READY_TIMEOUT);
  }

  private ConfigSource source(Map<String, String> role) {
    Map<String, String> m = new HashMap<>(role);
    m.put(ZkSettings.CONNECT, zookeeper);
    // Several roles share this host: their /metrics and health endpoints take free ports.
    for (String r : new String[] {"coordinator", "data-node", "query-node"}) {
      m.putIfAbsent(r + ".http-port", "0");
    }
    return ConfigSource.of(m);
  }

  /** Where clients connect: the query node's {@code host:port}. */
  public String endpoint() {
    return queryNode.address();
  }

  public int port() {
    return queryNode.port();
  }

  /** The query node's REST/JSON and ops port. */
  public int httpPort() {
    return queryNode.httpPort();
  }

  public String zookeeper() {
    return zookeeper;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        // Keep stopping the rest: one role failing to stop must not leave the others running.
        log.warn("stopping {} failed", c.getClass().getSimpleName(), e);
      }
    }
  }
}
