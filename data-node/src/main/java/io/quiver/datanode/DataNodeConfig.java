package io.quiver.datanode;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.common.shard.NodeId;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A data node's configuration. {@code host} is the address peers reach it by (it listens on
 * every interface); {@code port} 0 takes an ephemeral port. {@code capacity} weighs the node in
 * placement; {@code zone} spreads replicas. The slice keeps shards in memory, so
 * {@code dataDir} is reserved for the durable store that replaces it. {@code httpPort} serves
 * {@code /metrics}, {@code /healthz} and {@code /readyz} (0: an ephemeral port).
 */
public record DataNodeConfig(
    NodeId nodeId, String host, int port, ZkSettings zookeeper, Path dataDir, int capacity, String zone, int httpPort) {
  public static final String NODE_ID = "data-node.node-id";
  public static final String HOST = "data-node.host";
  public static final String PORT = "data-node.port";
  public static final String DATA_DIR = "data-node.data-dir";
  public static final String CAPACITY = "data-node.capacity";
  public static final String ZONE = "data-node.zone";
  public static final String HTTP_PORT = "data-node.http-port";

  public static final String DEFAULT_NODE_ID = "data-node-1";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7400;
  public static final Path DEFAULT_DATA_DIR = Path.of("data");
  public static final int DEFAULT_CAPACITY = 100;
  public static final String DEFAULT_ZONE = "default";
  public static final int DEFAULT_HTTP_PORT = 7401;

  public DataNodeConfig {
    Objects.requireNonNull(nodeId, NODE_ID);
    Objects.requireNonNull(zookeeper, "zookeeper");
    Objects.requireNonNull(dataDir, DATA_DIR);
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT + " must be in 0..65535 but was " + port);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException(CAPACITY + " must be >= 1 but was " + capacity);
    }
    if (zone == null || zone.isBlank()) {
      throw new IllegalArgumentException(ZONE + " must not be empty");
    }
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException(HTTP_PORT + " must be in 0..65535 but was " + httpPort);
    }
  }

  /** A configuration whose HTTP endpoint takes an ephemeral port (tests run several nodes in one JVM). */
  public DataNodeConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Path dataDir, int capacity, String zone) {
    this(nodeId, host, port, zookeeper, dataDir, capacity, zone, 0);
  }

  public static DataNodeConfig from(ConfigSource c) {
    return new DataNodeConfig(
        new NodeId(c.getString(NODE_ID, DEFAULT_NODE_ID)),
        c.getString(HOST, DEFAULT_HOST),
        c.getInt(PORT, DEFAULT_PORT),
        ZkSettings.from(c),
        c.getPath(DATA_DIR, DEFAULT_DATA_DIR),
        c.getInt(CAPACITY, DEFAULT_CAPACITY),
        c.getString(ZONE, DEFAULT_ZONE),
        c.getInt(HTTP_PORT, DEFAULT_HTTP_PORT));
  }
}
