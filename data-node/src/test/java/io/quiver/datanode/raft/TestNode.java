package io.quiver.datanode.raft;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/** A data node's replication layer on loopback, restartable on the same directory and port. */
final class TestNode implements AutoCloseable {
  static {
    // Before any logger exists: Ratis logs every config key per replica at INFO.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.grpc.server.GrpcLogAppender", "error");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.server.impl", "error");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
  }

  /** Raised election timeouts: three servers share two busy cores. */
  static final RaftSettings SETTINGS = new RaftSettings(Duration.ofMillis(2000), Duration.ofMillis(4000),
      Duration.ofSeconds(3), 256 << 10, 1000, 256 << 10, 2, 4 << 20, 10_000, 1024);
  /** Tombstones are purged only when a test asks ({@code ShardGroups.purgeTombstones}), never on a timer. */
  static final NodeStore.Settings STORE = new NodeStore.Settings(4 << 20, 1 << 20, Duration.ofMinutes(10),
      Duration.ofDays(1));

  final NodeId id;
  final Path dir;
  final int port;
  final RaftSettings settings;
  final Recorder recorder = new Recorder();
  /** The node's metrics, as its {@code /metrics} endpoint serves them; kept across restarts. */
  final PrometheusMeterRegistry meters;
  ShardGroups groups;

  TestNode(String name, Path root, RaftSettings settings) {
    this.id = new NodeId(name);
    this.dir = root.resolve(name);
    this.port = freePort();
    this.settings = settings;
    this.meters = OpsServer.newRegistry("data-node", name);
  }

  TestNode start() {
    groups = ShardGroups.start(dir, id, "127.0.0.1:" + port, false, settings, STORE, recorder,
        AdmissionSettings.DEFAULTS, meters);
    return this;
  }

  void stop() {
    if (groups != null) {
      groups.close();
      groups = null;
    }
  }

  ShardPeer peer() {
    return groups.self();
  }

  @Override
  public void close() {
    stop();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records what the index would see: every applied change, in order, per shard. */
  static final class Recorder implements ShardApplyListener {
    final Map<ShardId, List<AppliedChange>> changes = new ConcurrentHashMap<>();
    final Map<ShardId, Long> resets = new ConcurrentHashMap<>();
    /** Shards whose next change waits: counts {@code entered} down, then waits for {@code release}. */
    private final Map<ShardId, CountDownLatch[]> holds = new ConcurrentHashMap<>();

    /** The shard's next applied change stops in the index update until {@code release} opens. */
    void holdNext(ShardId shard, CountDownLatch entered, CountDownLatch release) {
      holds.put(shard, new CountDownLatch[] {entered, release});
    }

    @Override
    public void onReset(ShardId shard, ShardStore store) {
      changes.put(shard, new CopyOnWriteArrayList<>());
      resets.put(shard, store.appliedIndex());
    }

    @Override
    public void onApplied(ShardId shard, AppliedChange change) {
      CountDownLatch[] hold = holds.remove(shard);
      if (hold != null) {
        hold[0].countDown();
        try {
          hold[1].await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      changes.computeIfAbsent(shard, s -> new CopyOnWriteArrayList<>()).add(change);
    }
  }
}
