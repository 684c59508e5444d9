package io.quiver.bench.writes;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.raft.RaftSettings;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.raft.WriteOutcome;
import io.quiver.datanode.shard.IndexFiles;
import io.quiver.datanode.shard.LocalShard;
import io.quiver.datanode.shard.ShardIndexes;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardOp;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A data node's restart with its index saved against one that rebuilds it from RocksDB. One node
 * (its Raft server, RocksDB and index files, wired as {@code DataNodeServer} wires them) holding
 * one RF=1 shard is filled with {@code --points} random {@code --dim}-d vectors through Raft and
 * left until every sealed segment's HNSW graph is built; it is stopped (which saves the index),
 * then started twice: once loading the saved segments, once with the index files deleted. Each
 * start is timed until the shard serves with every graph in place: Raft server and RocksDB open,
 * the index loaded and checked against the rows (or rebuilt), background builds finished, a
 * search answered. Searches for stored vectors must find them both times.
 *
 * <p>Run: {@code WRITES_MAIN=io.quiver.bench.writes.RestartBenchmark bench/run-writes.sh --points 1000000}.
 */
public final class RestartBenchmark {
  private static final int WRITE_BATCH = 1_000;

  private RestartBenchmark() {}

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.exit(1);
    }
    System.exit(0); // Ratis may leave non-daemon threads behind
  }

  private static void run(String[] args) throws Exception {
    Map<String, String> opts = Args.parse(args);
    int points = Integer.parseInt(opts.getOrDefault("points", "1000000"));
    int dim = Integer.parseInt(opts.getOrDefault("dim", "128"));
    Path dir = Files.createTempDirectory("quiver-restart");
    ShardId shard = new ShardId(UUID.randomUUID(), 0);
    CollectionConfig config = CollectionConfig.of(dim, Distance.L2).withShards(1, 1);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    System.out.printf("restart: %d x %d-d, one RF=1 shard, data in %s, load %.1f%n", points, dim, dir,
        WriteThroughputBenchmark.loadAverage());

    long t0 = System.nanoTime();
    Node node = Node.start(dir, address, shard, config);
    fill(node, shard, points, dim);
    double ingest = seconds(t0);
    node.index(shard).awaitIndexed();
    double built = seconds(t0);
    System.out.printf("filled in %.1f s (%.0f points/s through Raft); every graph built after %.1f s%n", ingest,
        points / ingest, built);
    List<Point> probes = probes(node, shard);
    List<List<PointId>> answers = answers(node.index(shard), probes);
    node.close();
    System.out.printf("saved index: %.0f MB%n", sizeOf(dir.resolve("index")) / 1e6);
    System.out.flush();

    double loadSeconds = restart(dir, address, shard, config, probes, answers, "load saved segments");
    deleteTree(dir.resolve("index"));
    double rebuildSeconds = restart(dir, address, shard, config, probes, null, "rebuild from RocksDB");
    System.out.println();
    System.out.println("| points | dim | restart, segments loaded | restart, index rebuilt | ratio | load avg |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    System.out.printf("| %d | %d | %.1f s | %.1f s | %.1f%% | %.1f |%n", points, dim, loadSeconds, rebuildSeconds,
        100 * loadSeconds / rebuildSeconds, WriteThroughputBenchmark.loadAverage());
    deleteTree(dir);
  }

  /**
   * Starts the node over {@code dir} and times it until the shard serves with every graph; returns
   * seconds. Each probe must be its own exact nearest neighbour; with {@code answers} (the saved
   * graphs' approximate top 10 of each probe) the loaded graphs must answer exactly the same.
   */
  private static double restart(Path dir, String address, ShardId shard, CollectionConfig config, List<Point> probes,
      List<List<PointId>> answers, String what) throws Exception {
    long t0 = System.nanoTime();
    Node node = Node.start(dir, address, shard, config);
    LocalShard index = node.index(shard);
    double opened = seconds(t0);
    index.awaitIndexed();
    List<List<PointId>> now = answers(index, probes);
    double served = seconds(t0);
    for (Point p : probes) {
      List<ScoredPoint> hit = index.search(p.vector(), 1, Filter.ALL, 64, true);
      if (hit.isEmpty() || !hit.getFirst().id().equals(p.id())) {
        throw new IllegalStateException(what + ": an exact search for stored point " + p.id() + " found " + hit);
      }
    }
    if (answers != null && !answers.equals(now)) {
      throw new IllegalStateException(what + ": the loaded graphs answer " + now + ", the saved ones " + answers);
    }
    long selfFound = 0;
    for (int i = 0; i < probes.size(); i++) {
      selfFound += now.get(i).contains(probes.get(i).id()) ? 1 : 0;
    }
    System.out.printf("%-22s index ready after %.1f s, every graph built and searching after %.1f s (%d points;"
        + " %d/%d probes in their approximate top 10%s)%n", what, opened, served, index.size(), selfFound,
        probes.size(), answers == null ? "" : ", answers identical to before the stop");
    node.close();
    return served;
  }

  /** The approximate top 10 (ef 64) of each probe. */
  private static List<List<PointId>> answers(LocalShard index, List<Point> probes) {
    List<List<PointId>> out = new ArrayList<>();
    for (Point p : probes) {
      out.add(index.search(p.vector(), 10, Filter.ALL, 64, false).stream().map(ScoredPoint::id).toList());
    }
    return out;
  }

  private static void fill(Node node, ShardId shard, int points, int dim) throws InterruptedException {
    int writers = 4;
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(Thread.ofPlatform().start(() -> {
        Random rnd = new Random(writer);
        for (int first = writer * WRITE_BATCH; first < points; first += writers * WRITE_BATCH) {
          List<Point> batch = WriteThroughputBenchmark.points(rnd, first, Math.min(WRITE_BATCH, points - first), dim);
          write(node, shard, "fill-" + first, batch);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * Writes one batch, waiting out the shard's first election (NOT_LEADER until it has a leader)
   * and the leader's admission control (RESOURCE_EXHAUSTED while more points wait for their graph
   * than it admits: a fill of a million points outruns the indexer, as any bulk load does).
   */
  private static void write(Node node, ShardId shard, String requestId, List<Point> batch) {
    long giveUp = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (true) {
      WriteOutcome o = node.groups.write(shard, requestId, new ShardOp.Upsert(batch), WriteLevel.QUORUM,
          Duration.ofSeconds(60)).join();
      if (o.status() == WriteOutcome.Status.APPLIED) {
        return;
      }
      boolean waitable = o.code() == ErrorCode.NOT_LEADER || o.code() == ErrorCode.RESOURCE_EXHAUSTED;
      if (!waitable || System.nanoTime() > giveUp) {
        throw new IllegalStateException("writing " + requestId + " failed: " + o.message());
      }
      try {
        Thread.sleep(o.code() == ErrorCode.RESOURCE_EXHAUSTED ? 250 : 100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static List<Point> probes(Node node, ShardId shard) {
    Random rnd = new Random(42);
    List<PointId> ids = new ArrayList<>();
    long n = node.index(shard).size();
    for (int i = 0; i < 20; i++) {
      ids.add(PointId.of(Math.floorMod(rnd.nextLong(), n)));
    }
    return node.index(shard).get(ids);
  }

  /** One data node's storage side: Raft server, RocksDB, saved index, as DataNodeServer wires them. */
  private record Node(ShardGroups groups, ShardIndexes indexes) {
    static Node start(Path dir, String address, ShardId shard, CollectionConfig config) {
      ShardIndexes indexes = new ShardIndexes(new IndexFiles(dir.resolve("index")));
      ShardGroups groups = ShardGroups.start(dir, new NodeId("restart-node"), address, false, RaftSettings.DEFAULTS,
          NodeStore.Settings.DEFAULTS, indexes);
      groups.ensureReplica(shard, config, List.of(groups.self()), List.of());
      indexes.attach(shard, config, groups.store(shard));
      return new Node(groups, indexes);
    }

    LocalShard index(ShardId shard) {
      return indexes.find(shard).orElseThrow();
    }

    /** As a data node stops: the Raft server first, then the indexes, saved unless unchanged since loaded. */
    void close() {
      groups.close();
      indexes.close();
    }
  }

  private static double seconds(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1e9;
  }

  private static long sizeOf(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
