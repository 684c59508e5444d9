package io.quiver.querynode;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.common.shard.NodeId;
import java.time.Duration;
import java.util.Objects;

/**
 * A query node's configuration. {@code port} 0 takes an ephemeral port. {@code requestDeadline}
 * bounds every request (a caller's shorter deadline wins); every outgoing call inherits it.
 */
public record QueryNodeConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration requestDeadline) {
  public static final String NODE_ID = "query-node.node-id";
  public static final String HOST = "query-node.host";
  public static final String PORT = "query-node.port";
  public static final String REQUEST_DEADLINE = "query-node.request-deadline";

  public static final String DEFAULT_NODE_ID = "query-node-1";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 6400;
  public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);

  public QueryNodeConfig {
    Objects.requireNonNull(nodeId, NODE_ID);
    Objects.requireNonNull(zookeeper, "zookeeper");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT + " must be in 0..65535 but was " + port);
    }
    if (requestDeadline == null || requestDeadline.isNegative() || requestDeadline.isZero()) {
      throw new IllegalArgumentException(REQUEST_DEADLINE + " must be positive but was " + requestDeadline);
    }
  }

  public static QueryNodeConfig from(ConfigSource c) {
    return new QueryNodeConfig(
        new NodeId(c.getString(NODE_ID, DEFAULT_NODE_ID)),
        c.getString(HOST, DEFAULT_HOST),
        c.getInt(PORT, DEFAULT_PORT),
        ZkSettings.from(c),
        c.getDuration(REQUEST_DEADLINE, DEFAULT_REQUEST_DEADLINE));
  }
}
