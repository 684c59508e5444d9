package io.quiver.querynode;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.common.shard.NodeId;
import io.quiver.querynode.scatter.HedgeSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * A query node's configuration. {@code port} (gRPC) and {@code httpPort} (REST/JSON, {@code
 * /metrics}, {@code /healthz}, {@code /readyz}) take an ephemeral port when 0. {@code
 * requestDeadline} bounds every request (a caller's shorter deadline wins); every outgoing call
 * inherits it. {@code hedge} says when a slow replica is hedged; {@code cacheEntries} sizes the
 * query cache (0 disables it); {@code overfetch} is the per-shard over-fetch factor of searches
 * that are not exact (exact ones use 1.0, which is exact).
 */
public record QueryNodeConfig(
    NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration requestDeadline,
    int httpPort, HedgeSettings hedge, int cacheEntries, double overfetch) {
  public static final String NODE_ID = "query-node.node-id";
  public static final String HOST = "query-node.host";
  public static final String PORT = "query-node.port";
  public static final String REQUEST_DEADLINE = "query-node.request-deadline";
  public static final String HTTP_PORT = "query-node.http-port";
  public static final String HEDGE_PERCENTILE = "query-node.hedge.percentile";
  public static final String HEDGE_MIN_DELAY = "query-node.hedge.min-delay";
  public static final String HEDGE_INITIAL_DELAY = "query-node.hedge.initial-delay";
  public static final String CACHE_ENTRIES = "query-node.cache.entries";
  public static final String OVERFETCH = "query-node.search.overfetch";

  public static final String DEFAULT_NODE_ID = "query-node-1";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 6400;
  public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);
  public static final int DEFAULT_HTTP_PORT = 6401;
  public static final int DEFAULT_CACHE_ENTRIES = 1024;
  /**
   * Exact per-shard search needs no over-fetch (measured: 1 shard vs 8 shards identical at 1.0,
   * see ShardedEqualsUnshardedTest). HNSW and quantized shards rank near their k-th result with
   * some error; 1.5 gives each shard half a list of slack for a third more fan-out bytes.
   */
  public static final double DEFAULT_OVERFETCH = 1.5;
  static final double MAX_OVERFETCH = 10;

  public QueryNodeConfig {
    Objects.requireNonNull(nodeId, NODE_ID);
    Objects.requireNonNull(zookeeper, "zookeeper");
    Objects.requireNonNull(hedge, "hedge");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT + " must be in 0..65535 but was " + port);
    }
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException(HTTP_PORT + " must be in 0..65535 but was " + httpPort);
    }
    if (requestDeadline == null || requestDeadline.isNegative() || requestDeadline.isZero()) {
      throw new IllegalArgumentException(REQUEST_DEADLINE + " must be positive but was " + requestDeadline);
    }
    if (cacheEntries < 0) {
      throw new IllegalArgumentException(CACHE_ENTRIES + " must be >= 0 but was " + cacheEntries);
    }
    if (!(overfetch >= 1 && overfetch <= MAX_OVERFETCH)) {
      throw new IllegalArgumentException(OVERFETCH + " must be in 1.." + MAX_OVERFETCH + " but was " + overfetch);
    }
  }

  /** The defaults for everything but identity, addresses and deadline; the HTTP port ephemeral (tests). */
  public QueryNodeConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Duration requestDeadline) {
    this(nodeId, host, port, zookeeper, requestDeadline, 0, HedgeSettings.DEFAULT, DEFAULT_CACHE_ENTRIES, DEFAULT_OVERFETCH);
  }

  public static QueryNodeConfig from(ConfigSource c) {
    HedgeSettings hedge;
    double percentile = c.getDouble(HEDGE_PERCENTILE, HedgeSettings.DEFAULT_PERCENTILE);
    try {
      hedge = new HedgeSettings(percentile,
          c.getDuration(HEDGE_MIN_DELAY, HedgeSettings.DEFAULT_MIN_DELAY),
          c.getDuration(HEDGE_INITIAL_DELAY, HedgeSettings.DEFAULT_INITIAL_DELAY));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query-node.hedge.*: " + e.getMessage(), e);
    }
    return new QueryNodeConfig(
        new NodeId(c.getString(NODE_ID, DEFAULT_NODE_ID)),
        c.getString(HOST, DEFAULT_HOST),
        c.getInt(PORT, DEFAULT_PORT),
        ZkSettings.from(c),
        c.getDuration(REQUEST_DEADLINE, DEFAULT_REQUEST_DEADLINE),
        c.getInt(HTTP_PORT, DEFAULT_HTTP_PORT),
        hedge,
        c.getInt(CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES),
        c.getDouble(OVERFETCH, DEFAULT_OVERFETCH));
  }
}
