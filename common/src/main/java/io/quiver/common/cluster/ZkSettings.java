package io.quiver.common.cluster;

import io.quiver.common.config.ConfigSource;
import java.time.Duration;
import java.util.Objects;

/** How a role reaches ZooKeeper; the {@code zookeeper.*} keys every role shares. */
public record ZkSettings(String connect, String root, Duration sessionTimeout, Duration connectionTimeout) {
  public static final String CONNECT = "zookeeper.connect";
  public static final String ROOT = "zookeeper.root";
  public static final String SESSION_TIMEOUT = "zookeeper.session-timeout";
  public static final String CONNECTION_TIMEOUT = "zookeeper.connection-timeout";

  public static final String DEFAULT_CONNECT = "localhost:2181";
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(15);

  public ZkSettings {
    if (connect == null || connect.isBlank()) {
      throw new IllegalArgumentException(CONNECT + " must not be empty");
    }
    new ZkPaths(root); // validates the root
    Objects.requireNonNull(sessionTimeout, SESSION_TIMEOUT);
    Objects.requireNonNull(connectionTimeout, CONNECTION_TIMEOUT);
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException(SESSION_TIMEOUT + " must be positive but was " + sessionTimeout);
    }
    if (connectionTimeout.isNegative() || connectionTimeout.isZero()) {
      throw new IllegalArgumentException(CONNECTION_TIMEOUT + " must be positive but was " + connectionTimeout);
    }
  }

  /** Defaults for everything but the connect string (tests, embedded use). */
  public static ZkSettings of(String connect) {
    return new ZkSettings(connect, ZkPaths.DEFAULT_ROOT, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
  }

  public static ZkSettings from(ConfigSource c) {
    return new ZkSettings(
        c.getString(CONNECT, DEFAULT_CONNECT),
        c.getString(ROOT, ZkPaths.DEFAULT_ROOT),
        c.getDuration(SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT),
        c.getDuration(CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT));
  }

  public ZkPaths paths() {
    return new ZkPaths(root);
  }
}
