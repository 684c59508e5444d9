package io.quiver.datanode;

import io.grpc.Server;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkClients;
import io.quiver.common.grpc.GrpcServers;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.ops.Readiness;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quiver.datanode.admin.EpochGuard;
import io.quiver.datanode.admin.ReplicaAdmin;
import io.quiver.datanode.api.DataNodeService;
import io.quiver.datanode.hosting.HostedReplicas;
import io.quiver.datanode.hosting.Lease;
import io.quiver.common.shard.NodeId;
import io.quiver.datanode.raft.NodeIdentity;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.shard.IndexFiles;
import io.quiver.datanode.shard.ShardIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running data node: its Raft server hosting a group per shard replica over one RocksDB
 * (reopened at start), the internal DataNode service, the replicas kept in line with the catalog,
 * and its lease (with its Raft address and peer id) once every local replica has been checked
 * against the catalog. {@link #close()} gives the lease up first (so nobody routes to it), then
 * stops serving, closes the Raft server and ZooKeeper. If the Raft server closes by itself (Ratis
 * does after a JVM pause past its slowness timeout) the node shuts down at once, so its lease never
 * outlives its Raft, and {@link #failed()} completes: a process then exits.
 */
public final class DataNodeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataNodeServer.class);
  /** Bounds one membership change the coordinator asks for (a leader transfer waits for an election). */
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(20);

  private final DataNodeConfig config;
  private final CuratorFramework zk;
  private final ExecutorService executor;
  private final ShardGroups groups;
  private final ShardIndexes indexes;
  private final HostedReplicas replicas;
  private final ClusterWatcher watcher;
  private final Server server;
  private final OpsServer ops;
  private final String incarnation = UUID.randomUUID().toString();
  private final CompletableFuture<Void> failed = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Set once at the end of start(), before the server is handed out.
  private Lease lease;

  private DataNodeServer(DataNodeConfig config, CuratorFramework zk) {
    this.config = config;
    this.zk = zk;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    // Saved index segments (graphs included) make a restart load instead of rebuild.
    this.indexes = new ShardIndexes(new IndexFiles(config.dataDir().resolve("index")));
    PrometheusMeterRegistry meters = OpsServer.newRegistry("data-node", config.nodeId().value());
    this.groups = ShardGroups.start(config.dataDir(), config.nodeId(), raftAddress(config), config.readdress(),
        config.raft(), config.store(), indexes, config.admission(), meters);
    try {
      this.replicas = new HostedReplicas(config.nodeId(), groups, indexes);
      this.watcher = new ClusterWatcher(zk, config.zookeeper().paths());
      watcher.addListener(replicas::reconcile);
      EpochGuard epochs = new EpochGuard(config.dataDir());
      // A new leader's record carries its epoch: from then on a deposed coordinator is refused here
      // even if the new one has not called this node yet.
      watcher.addListener(s -> {
        if (s.leader() != null) {
          epochs.observe(s.leader().epoch());
        }
      });
      this.server = GrpcServers.start(config.port(),
          List.of(new DataNodeService(config.nodeId(), replicas, groups, new ReplicaAdmin(config.nodeId(), groups,
              replicas, epochs, ADMIN_TIMEOUT))), executor);
      FunctionCounter.builder("quiver_stale_epoch_refusals", epochs, EpochGuard::refused)
          .description("replica admin requests refused because their coordinator epoch was older than the newest seen")
          .register(meters);
      this.ops = OpsServer.start(config.httpPort(), meters, this::readiness);
    } catch (RuntimeException e) {
      groups.close();
      indexes.close();
      throw e;
    }
  }

  /**
   * The Raft address: {@code host:raft-port}; with port 0 the port stored with the data (a
   * restart comes back where its groups know it), or a free one on first start.
   */
  static String raftAddress(DataNodeConfig config) {
    if (config.raftPort() != 0) {
      return config.host() + ":" + config.raftPort();
    }
    return NodeIdentity.storedRaftAddress(config.dataDir())
        .filter(a -> a.startsWith(config.host() + ":"))
        .orElseGet(() -> config.host() + ":" + freePort());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port for the Raft server", e);
    }
  }

  /**
   * Ready when connected to ZooKeeper, every local replica has been checked against the catalog,
   * its own lease (this incarnation) is visible there and a coordinator leads.
   */
  public Readiness readiness() {
    var view = watcher.snapshot();
    var own = view.lease(config.nodeId());
    return Readiness.builder()
        .require(zk.getZookeeperClient().isConnected(), "not connected to ZooKeeper")
        .require(replicas.checked(), "local replicas not yet checked against the catalog")
        .require(own.isPresent() && own.get().incarnation().equals(incarnation), "lease not held")
        .require(view.leader() != null, "no leading coordinator")
        .build();
  }

  /** The bound port of the HTTP endpoint ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int httpPort() {
    return ops.port();
  }

  /**
   * Starts a data node: connects to ZooKeeper, reopens its replicas, serves gRPC, checks every
   * local replica against the catalog and hosts what is placed here, then registers its lease.
   * Returns once the lease is held.
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
      s.replicas.reconcileNow(s.watcher.await(v -> true, config.zookeeper().connectionTimeout()));
      s.lease = new Lease(zk, config.zookeeper().paths(), new NodeLease(config.nodeId(), s.address(),
          config.capacity(), config.zone(), s.incarnation, s.groups.self().address(), s.groups.self().peerId()));
      s.lease.start(config.zookeeper().connectionTimeout());
      s.groups.closed().thenRun(s::raftClosed);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    log.info("data node {} serving on {}, raft {} as {} (zone {}, capacity {})", config.nodeId(), s.address(),
        s.groups.self().address(), s.groups.self().peerId(), config.zone(), config.capacity());
    return s;
  }

  private void raftClosed() {
    if (closed.get()) {
      return;
    }
    log.error("DATA NODE {} STOPS: its Raft server closed by itself (a JVM pause past the slowness timeout?);"
        + " it gives up its lease and every replica. Restart it.", config.nodeId());
    close();
    failed.complete(null);
  }

  /** Completes when the node shut itself down because its Raft server closed: the process should exit. */
  public CompletableFuture<Void> failed() {
    return failed;
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

  /** host:port of this node's Raft server. */
  public String raftAddress() {
    return groups.self().address();
  }

  /** New at every process start. */
  public String incarnation() {
    return incarnation;
  }

  public DataNodeConfig config() {
    return config;
  }

  /** The node's shard groups (tests compare replica digests through it). */
  public ShardGroups groups() {
    return groups;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (lease != null) {
      lease.close();
    }
    watcher.close();
    replicas.close();
    GrpcServers.stop(server);
    ops.close();
    groups.close();
    indexes.close();
    executor.shutdown();
    zk.close();
    log.info("data node {} stopped", Objects.requireNonNull(config.nodeId()));
  }
}
