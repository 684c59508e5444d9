package io.quiver.coordinator;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.membership.MembershipSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * A coordinator's configuration. {@code host} is the address other nodes reach it by (it listens
 * on every interface); {@code port} 0 takes an ephemeral port. {@code statusTimeout} bounds the
 * status calls Describe makes to data nodes. {@code httpPort} serves {@code /metrics}, {@code
 * /healthz} and {@code /readyz} (0: an ephemeral port). {@code membership} times replacement and
 * throttles moves.
 */
public record CoordinatorConfig(
    NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration statusTimeout, int httpPort,
    MembershipSettings membership) {
  public static final String NODE_ID = "coordinator.node-id";
  public static final String HOST = "coordinator.host";
  public static final String PORT = "coordinator.port";
  public static final String STATUS_TIMEOUT = "coordinator.status-timeout";
  public static final String HTTP_PORT = "coordinator.http-port";

  public static final String DEFAULT_NODE_ID = "coordinator-1";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7300;
  public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_HTTP_PORT = 7301;

  public CoordinatorConfig {
    Objects.requireNonNull(nodeId, NODE_ID);
    Objects.requireNonNull(zookeeper, "zookeeper");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT + " must be in 0..65535 but was " + port);
    }
    if (statusTimeout == null || statusTimeout.isNegative() || statusTimeout.isZero()) {
      throw new IllegalArgumentException(STATUS_TIMEOUT + " must be positive but was " + statusTimeout);
    }
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException(HTTP_PORT + " must be in 0..65535 but was " + httpPort);
    }
    Objects.requireNonNull(membership, "membership");
  }

  /** With the default membership settings (replace-delay 2 min, ...). */
  public CoordinatorConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration statusTimeout,
      int httpPort) {
    this(nodeId, host, port, zookeeper, statusTimeout, httpPort, MembershipSettings.DEFAULTS);
  }

  /** A configuration whose HTTP endpoint takes an ephemeral port (tests run several roles in one JVM). */
  public CoordinatorConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration statusTimeout) {
    this(nodeId, host, port, zookeeper, statusTimeout, 0);
  }

  public static CoordinatorConfig from(ConfigSource c) {
    return new CoordinatorConfig(
        new NodeId(c.getString(NODE_ID, DEFAULT_NODE_ID)),
        c.getString(HOST, DEFAULT_HOST),
        c.getInt(PORT, DEFAULT_PORT),
        ZkSettings.from(c),
        c.getDuration(STATUS_TIMEOUT, DEFAULT_STATUS_TIMEOUT),
        c.getInt(HTTP_PORT, DEFAULT_HTTP_PORT),
        MembershipSettings.from(c));
  }
}
