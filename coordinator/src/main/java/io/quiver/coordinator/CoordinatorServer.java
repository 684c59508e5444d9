package io.quiver.coordinator;

import io.grpc.BindableService;
import io.micrometer.core.instrument.FunctionCounter;
import io.grpc.Server;
import io.quiver.common.cluster.ZkClients;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.ops.Readiness;
import io.quiver.common.grpc.GrpcServers;
import io.quiver.coordinator.api.AdminService;
import io.quiver.coordinator.api.CollectionsService;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.coordinator.election.FenceRefusals;
import io.quiver.coordinator.election.Leadership;
import io.quiver.coordinator.membership.MembershipController;
import io.quiver.coordinator.membership.ShardMover;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: it joins the leader election and serves the public Collections and
 * Admin services on its port. Only the leader answers them; the others answer UNAVAILABLE
 * naming the leader. {@link #close()} leaves the election, stops serving and closes ZooKeeper.
 */
public final class CoordinatorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

  private final CoordinatorConfig config;
  private final CuratorFramework zk;
  private final ExecutorService executor;
  private final ChannelPool channels;
  private final Leadership leadership;
  private final MembershipController membership;
  private final Server server;
  private final OpsServer ops;

  private CoordinatorServer(CoordinatorConfig config, CuratorFramework zk) {
    this.config = config;
    this.zk = zk;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.channels = new ChannelPool();
    ZkPaths paths = config.zookeeper().paths();
    String nodeId = config.nodeId().value();
    this.leadership = new Leadership(zk, paths, nodeId);
    Catalog catalog = new Catalog(zk, paths, leadership, Clock.systemUTC());
    ReplicaStatusProbe probe = new ReplicaStatusProbe(channels, executor, config.statusTimeout());
    this.membership = new MembershipController(zk, paths, leadership, catalog,
        new ShardMover(catalog, channels, leadership.refusals(), config.membership()), probe, config.membership(),
        Clock.systemUTC());
    List<BindableService> services =
        List.of(new CollectionsService(catalog, probe), new AdminService(catalog, leadership, nodeId, probe, membership));
    this.server = GrpcServers.start(config.port(), services, executor);
    var registry = OpsServer.newRegistry("coordinator", nodeId);
    registry.gauge("quiver_rebalance_moves_in_progress", membership, MembershipController::movesInProgress);
    registry.gauge("quiver_rebalance_moves_done", membership, MembershipController::movesDone);
    registry.gauge("quiver_rebalance_moves_total", membership, MembershipController::movesTotal);
    registry.gauge("quiver_rebalance_bytes_copied", membership, MembershipController::bytesCopied);
    FunctionCounter.builder("quiver_coordinator_stale_epoch_refusals", leadership.refusals(), FenceRefusals::byZookeeper)
        .tag("by", "zookeeper").description("writes refused because this coordinator's epoch was no longer current")
        .register(registry);
    FunctionCounter.builder("quiver_coordinator_stale_epoch_refusals", leadership.refusals(), FenceRefusals::byDataNodes)
        .tag("by", "data-node").description("replica admin requests refused because this coordinator's epoch was old")
        .register(registry);
    FunctionCounter.builder("quiver_coordinator_placements_reconciled", membership,
        MembershipController::placementsReconciled)
        .description("placements a takeover corrected to their Raft group's configuration").register(registry);
    FunctionCounter.builder("quiver_coordinator_stray_replicas_deleted", membership,
        MembershipController::strayReplicasDeleted)
        .description("replicas a takeover deleted because neither the placement nor the group named them")
        .register(registry);
    FunctionCounter.builder("quiver_coordinator_leadership_transfers", membership,
        MembershipController::leadershipTransfers)
        .description("shard leaderships handed to a node that led fewer, to even out leaders per node")
        .register(registry);
    this.ops = OpsServer.start(config.httpPort(), registry, this::readiness);
  }

  /** Shard leaderships this coordinator handed over to even out leaders per node, since start. */
  public long leadershipTransfers() {
    return membership.leadershipTransfers();
  }

  /** Ready when connected to ZooKeeper and some coordinator (this one or another) leads. */
  public Readiness readiness() {
    return Readiness.builder()
        .require(zk.getZookeeperClient().isConnected(), "not connected to ZooKeeper")
        .require(!leadership.leaderDescription().startsWith("unknown"), "no leading coordinator")
        .build();
  }

  /** The bound port of the HTTP endpoint ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int httpPort() {
    return ops.port();
  }

  /**
   * Starts a coordinator: connects to ZooKeeper, serves gRPC, joins the election. Returns without
   * waiting to lead; see {@link #isLeader()}.
   */
  public static CoordinatorServer start(CoordinatorConfig config) {
    CuratorFramework zk = ZkClients.start(config.zookeeper());
    CoordinatorServer s;
    try {
      s = new CoordinatorServer(config, zk);
    } catch (RuntimeException e) {
      zk.close();
      throw e;
    }
    try {
      s.leadership.start(s.address());
      s.membership.start();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    log.info("coordinator {} serving on {} (zookeeper {}{})",
        config.nodeId(), s.address(), config.zookeeper().connect(), config.zookeeper().root());
    return s;
  }

  /** The bound gRPC port (the ephemeral one when the config said 0). */
  public int port() {
    return server.getPort();
  }

  /** host:port others reach this coordinator by. */
  public String address() {
    return config.host() + ":" + port();
  }

  /** True once this coordinator leads and has bumped the epoch. */
  public boolean isLeader() {
    return leadership.leads();
  }

  /** The epoch this coordinator leads in, 0 when it does not lead. */
  public long epoch() {
    return leadership.epoch();
  }

  public CoordinatorConfig config() {
    return config;
  }

  @Override
  public void close() {
    membership.close();
    leadership.close();
    GrpcServers.stop(server);
    ops.close();
    channels.close();
    executor.shutdown();
    zk.close();
    log.info("coordinator {} stopped", config.nodeId());
  }
}
