package io.quiver.datanode;

import io.grpc.Server;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkClients;
import io.quiver.common.grpc.GrpcServers;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.ops.Readiness;
import io.quiver.datanode.api.DataNodeService;
import io.quiver.datanode.hosting.HostedReplicas;
import io.quiver.datanode.hosting.Lease;
import io.quiver.common.shard.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running data node: it serves the internal DataNode service, follows the catalog to host the
 * replicas placed on it, and holds its lease once it serves. {@link #close()} gives the lease up
 * first (so nobody routes to it), then stops serving and closes ZooKeeper.
 */
public final class DataNodeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataNodeServer.class);

  private final DataNodeConfig config;
  private final CuratorFramework zk;
  private final ExecutorService executor;
  private final HostedReplicas replicas;
  private final ClusterWatcher watcher;
  private final Server server;
  private final OpsServer ops;
  private final String incarnation = UUID.randomUUID().toString();
  // Set once at the end of start(), before the server is handed out.
  private Lease lease;

  private DataNodeServer(DataNodeConfig config, CuratorFramework zk) {
    this.config = config;
    this.zk = zk;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.replicas = new HostedReplicas(config.nodeId());
    this.watcher = new ClusterWatcher(zk, config.zookeeper().paths());
    watcher.addListener(replicas::reconcile);
    this.server = GrpcServers.start(config.port(), List.of(new DataNodeService(config.nodeId(), replicas)), executor);
    this.ops = OpsServer.start(config.httpPort(), OpsServer.newRegistry("data-node", config.nodeId().value()), this::readiness);
  }

  /**
   * Ready when connected to ZooKeeper, its own lease (this incarnation) is visible there and a
   * coordinator leads.
   */
  public Readiness readiness() {
    var view = watcher.snapshot();
    var own = view.lease(config.nodeId());
    return Readiness.builder()
        .require(zk.getZookeeperClient().isConnected(), "not connected to ZooKeeper")
        .require(own.isPresent() && own.get().incarnation().equals(incarnation), "lease not held")
        .require(view.leader() != null, "no leading coordinator")
        .build();
  }

  /** The bound port of the HTTP endpoint ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int httpPort() {
    return ops.port();
  }

  /**
   * Starts a data node: connects to ZooKeeper, serves gRPC, hosts what the catalog places here,
   * then registers its lease. Returns once the lease is held.
   */
  public static DataNodeServer start(DataNodeConfig config) {
    CuratorFramework zk = ZkClients.start(config.zookeeper());
    DataNodeServer s;
    try {
      s = new DataNodeServer(config, zk);
    } catch (RuntimeException e) {
      zk.close();
      throw e;
    }
    try {
      s.watcher.start();
      s.replicas.reconcile(s.watcher.await(v -> true, config.zookeeper().connectionTimeout()));
      s.lease = new Lease(zk, config.zookeeper().paths(),
          new NodeLease(config.nodeId(), s.address(), config.capacity(), config.zone(), s.incarnation));
      s.lease.start(config.zookeeper().connectionTimeout());
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    log.info("data node {} serving on {} (zone {}, capacity {})",
        config.nodeId(), s.address(), config.zone(), config.capacity());
    return s;
  }

  public int port() {
    return server.getPort();
  }

  public NodeId nodeId() {
    return config.nodeId();
  }

  /** host:port peers reach this node by. */
  public String address() {
    return config.host() + ":" + port();
  }

  /** New at every process start. */
  public String incarnation() {
    return incarnation;
  }

  public DataNodeConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    watcher.close();
    GrpcServers.stop(server);
    ops.close();
    executor.shutdown();
    zk.close();
    log.info("data node {} stopped", Objects.requireNonNull(config.nodeId()));
  }
}
