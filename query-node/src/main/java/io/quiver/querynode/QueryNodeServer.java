package io.quiver.querynode;

import io.grpc.BindableService;
import io.grpc.Server;
import io.quiver.common.cluster.ClusterSnapshot;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.cluster.ZkClients;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.grpc.GrpcServers;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.ops.Readiness;
import io.quiver.querynode.backup.ShardExports;
import io.quiver.querynode.cache.QueryCache;
import io.quiver.querynode.points.PointsService;
import io.quiver.querynode.rest.RestApi;
import io.quiver.querynode.scatter.DataNodeHealth;
import io.quiver.querynode.scatter.ShardReader;
import io.quiver.querynode.proxy.AdminProxy;
import io.quiver.querynode.proxy.CollectionsProxy;
import io.quiver.querynode.proxy.CoordinatorLink;
import io.quiver.querynode.routing.ShardCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running query node: the public gRPC endpoint (Points, and Collections/Admin proxied to the
 * leading coordinator) and the same API as REST/JSON on the HTTP port beside {@code /metrics},
 * {@code /healthz} and {@code /readyz}; routing by a watched view of the catalog, placements and leases.
 */
public final class QueryNodeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryNodeServer.class);

  private final QueryNodeConfig config;
  private final CuratorFramework zk;
  private final ExecutorService executor;
  private final ChannelPool channels;
  private final ClusterWatcher watcher;
  private final Server server;
  private final OpsServer http;

  private QueryNodeServer(QueryNodeConfig config, CuratorFramework zk) {
    this.config = config;
    this.zk = zk;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.channels = new ChannelPool();
    this.watcher = new ClusterWatcher(zk, config.zookeeper().paths());
    var meters = OpsServer.newRegistry("query-node", config.nodeId().value());
    ShardCalls calls = new ShardCalls(channels);
    ShardReader reader = new ShardReader(channels, new DataNodeHealth(config.hedge(), meters), meters);
    QueryCache cache = new QueryCache(config.cacheEntries(), channels, meters);
    CoordinatorLink coordinator = new CoordinatorLink(watcher, channels, config.requestDeadline());
    PointsService points = new PointsService(
        watcher, calls, reader, cache, executor, config.requestDeadline(), config.overfetch(), meters);
    CollectionsProxy collections = new CollectionsProxy(coordinator, watcher);
    List<BindableService> services = List.of(points, collections, new AdminProxy(coordinator,
        new ShardExports(watcher, channels, config.requestDeadline())));
    this.server = GrpcServers.start(config.port(), services, executor);
    try {
      this.http = OpsServer.start(config.httpPort(), meters, this::readiness);
    } catch (RuntimeException e) {
      GrpcServers.stop(server);
      throw e;
    }
    new RestApi(points, collections).register(http);
  }

  /** Ready when connected to ZooKeeper, a coordinator leads and at least one data node holds a lease. */
  public Readiness readiness() {
    ClusterSnapshot v = watcher.snapshot();
    return Readiness.builder()
        .require(zk.getZookeeperClient().isConnected(), "not connected to ZooKeeper")
        .require(v.leader() != null, "no leading coordinator")
        .require(!v.leases().isEmpty(), "no data node holds a lease")
        .build();
  }

  /** The bound HTTP port: REST/JSON API, /metrics, /healthz, /readyz. */
  public int httpPort() {
    return http.port();
  }

  /** Starts a query node: connects to ZooKeeper, loads the cluster view, serves gRPC. */
  public static QueryNodeServer start(QueryNodeConfig config) {
    CuratorFramework zk = ZkClients.start(config.zookeeper());
    QueryNodeServer s;
    try {
      s = new QueryNodeServer(config, zk);
    } catch (RuntimeException e) {
      zk.close();
      throw e;
    }
    try {
      s.watcher.start();
      s.watcher.await(v -> true, config.zookeeper().connectionTimeout());
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    log.info("query node {} serving on {}", config.nodeId(), s.address());
    return s;
  }

  /**
   * Waits until this node sees a leading coordinator and at least {@code dataNodes} data-node leases.
   *
   * @throws IllegalStateException naming what it saw when that does not happen within {@code timeout}
   */
  public void awaitReady(int dataNodes, Duration timeout) {
    watcher.await(v -> v.leader() != null && v.leases().size() >= dataNodes, timeout);
  }

  /** The current view of the cluster. */
  public ClusterSnapshot cluster() {
    return watcher.snapshot();
  }

  public int port() {
    return server.getPort();
  }

  public String address() {
    return config.host() + ":" + port();
  }

  public QueryNodeConfig config() {
    return config;
  }

  @Override
  public void close() {
    GrpcServers.stop(server);
    http.close();
    watcher.close();
    channels.close();
    executor.shutdown();
    zk.close();
    log.info("query node {} stopped", config.nodeId());
  }
}
