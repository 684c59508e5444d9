package io.quiver.bench.writes;

import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.WriteLevel;
import io.quiver.server.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Upserts per second through the whole product: an embedded ZooKeeper, a coordinator, three data
 * nodes and a query node in this JVM ({@link LocalCluster}), and {@code --clients} SDK clients,
 * each its own {@link QuiverClient}, sending batches of {@code --batch} new points of
 * {@code --dim} dimensions in a closed loop. One collection of one shard per case: RF=1 at
 * QUORUM, RF=3 at QUORUM, RF=3 at ALL. The Raft log is fsynced (Ratis's default, unchanged).
 *
 * <p>The {@code store-*} and {@code index-*} cases skip the query node and gRPC (see
 * {@link RaftPathBenchmark}); the {@code ratis-*} cases are bare Ratis with a state machine that
 * does nothing ({@link BareRatisBenchmark}), the yardstick, measured under the same load; the
 * {@code lean-*} cases are the same without Ratis's log metadata entries (Quiver's setting). Run: {@code bench/run-writes.sh [--seconds 20] [--warmup 5]
 * [--clients 4] [--batch 100] [--cases ratis-rf1,ratis-rf3,rf1,rf3,rf3-all,...]}.
 */
public final class WriteThroughputBenchmark {
  /** One measured configuration; {@code path} is where clients write: the query node, or a data node in-process. */
  record Case(String name, int replicas, WriteLevel level, Path path) {
    enum Path { QUERY_NODE, RAFT_STORE, RAFT_INDEX, BARE_RATIS, BARE_RATIS_LEAN }
  }

  record Figure(Case c, long batches, long points, double seconds, double loadBefore, double loadAfter) {
    double batchesPerSecond() {
      return batches / seconds;
    }

    double pointsPerSecond() {
      return points / seconds;
    }
  }

  private WriteThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Args.parse(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
    int dim = Integer.parseInt(opts.getOrDefault("dim", "128"));
    List<Case> cases = new ArrayList<>();
    for (String c : opts.getOrDefault("cases", "rf1,rf3,rf3-all").split(",")) {
      cases.add(switch (c) {
        case "rf1" -> new Case("RF=1 QUORUM", 1, WriteLevel.QUORUM, Case.Path.QUERY_NODE);
        case "rf3" -> new Case("RF=3 QUORUM", 3, WriteLevel.QUORUM, Case.Path.QUERY_NODE);
        case "rf3-all" -> new Case("RF=3 ALL", 3, WriteLevel.ALL, Case.Path.QUERY_NODE);
        case "ratis-rf1" -> new Case("bare Ratis RF=1", 1, WriteLevel.QUORUM, Case.Path.BARE_RATIS);
        case "ratis-rf3" -> new Case("bare Ratis RF=3", 3, WriteLevel.QUORUM, Case.Path.BARE_RATIS);
        case "ratis-rf3-all" -> new Case("bare Ratis RF=3 ALL", 3, WriteLevel.ALL, Case.Path.BARE_RATIS);
        case "lean-rf1" -> new Case("bare Ratis, no log metadata, RF=1", 1, WriteLevel.QUORUM, Case.Path.BARE_RATIS_LEAN);
        case "lean-rf3" -> new Case("bare Ratis, no log metadata, RF=3", 3, WriteLevel.QUORUM, Case.Path.BARE_RATIS_LEAN);
        case "store-rf1" -> new Case("store RF=1", 1, WriteLevel.QUORUM, Case.Path.RAFT_STORE);
        case "store-rf3" -> new Case("store RF=3", 3, WriteLevel.QUORUM, Case.Path.RAFT_STORE);
        case "index-rf1" -> new Case("store+index RF=1", 1, WriteLevel.QUORUM, Case.Path.RAFT_INDEX);
        case "index-rf3" -> new Case("store+index RF=3", 3, WriteLevel.QUORUM, Case.Path.RAFT_INDEX);
        default -> throw new IllegalArgumentException("--cases: unknown case '" + c
            + "' (rf1, rf3, rf3-all, ratis-rf1, ratis-rf3, ratis-rf3-all, lean-rf1, lean-rf3, store-rf1, store-rf3, index-rf1, index-rf3)");
      });
    }
    Path dir = Files.createTempDirectory("quiver-writes");
    System.out.printf("writes: %d clients, batches of %d x %d-d, %d s warm-up + %d s per case, data in %s%n",
        clients, batch, dim, warmup, seconds, dir);
    List<Figure> figures = new ArrayList<>();
    for (Case c : cases) {
      if (c.path() == Case.Path.BARE_RATIS || c.path() == Case.Path.BARE_RATIS_LEAN) {
        boolean metadata = c.path() == Case.Path.BARE_RATIS;
        figures.add(BareRatisBenchmark.run(c, metadata, clients, batch, dim, warmup, seconds));
      } else if (c.path() != Case.Path.QUERY_NODE) {
        figures.add(RaftPathBenchmark.run(c, c.path() == Case.Path.RAFT_INDEX, clients, batch, dim, warmup, seconds));
      }
    }
    if (cases.stream().anyMatch(c -> c.path() == Case.Path.QUERY_NODE)) {
      try (LocalCluster cluster = LocalCluster.start(dir, 0, 3)) {
        int n = 0;
        for (Case c : cases) {
          if (c.path() == Case.Path.QUERY_NODE) {
            figures.add(run(cluster.endpoint(), c, "writes" + (n++), clients, batch, dim, warmup, seconds));
          }
        }
      }
    }
    System.out.println();
    System.out.printf("machine: %d cores; load average before/after each case in the last column%n",
        Runtime.getRuntime().availableProcessors());
    System.out.println("| case | batches/s | points/s | batches | load before/after |");
    System.out.println("|---|---:|---:|---:|---|");
    for (Figure f : figures) {
      System.out.printf("| %s | %.1f | %.0f | %d | %.1f / %.1f |%n", f.c().name(), f.batchesPerSecond(),
          f.pointsPerSecond(), f.batches(), f.loadBefore(), f.loadAfter());
    }
  }

  static Figure run(String endpoint, Case c, String collection, int clients, int batch, int dim, int warmup,
      int seconds) throws InterruptedException {
    try (QuiverClient admin = QuiverClient.builder(endpoint).deadline(Duration.ofSeconds(30)).build()) {
      admin.createCollection(CollectionSpec.builder(collection, dim, Distance.L2).shards(1)
          .replicationFactor(c.replicas()).build());
      // The first write waits out the group's first election.
      admin.upsert(collection, points(new Random(0), -1, 1, dim), c.level());
    }
    List<QuiverClient> clientsOpen = new ArrayList<>();
    Figure f;
    try {
      f = ClosedLoop.measure(c, clients, batch, warmup, seconds, t -> {
        Random rnd = new Random(t);
        // A pool of batches made before the clock starts, so the loop measures the writes only.
        List<List<Point>> pool = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          pool.add(points(rnd, 0, batch, dim));
        }
        QuiverClient client = QuiverClient.builder(endpoint).deadline(Duration.ofSeconds(30)).build();
        clientsOpen.add(client);
        long[] next = {(long) t << 40};
        int[] i = {0};
        return () -> {
          List<Point> b = renumber(pool.get(i[0]++ % pool.size()), next[0]);
          next[0] += batch;
          try {
            client.upsert(collection, b, c.level());
            return true;
          } catch (RuntimeException e) {
            System.out.println("write failed: " + e);
            return false;
          }
        };
      });
    } finally {
      clientsOpen.forEach(QuiverClient::close);
    }
    // Dropping the collection stops its replicas' background HNSW builds, which would otherwise
    // go on eating the cores during the next case.
    try (QuiverClient admin = QuiverClient.builder(endpoint).deadline(Duration.ofSeconds(30)).build()) {
      admin.dropCollection(collection);
    }
    Thread.sleep(2_000);
    return f;
  }


  static List<Point> points(Random rnd, long firstId, int n, int dim) {
    List<Point> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = rnd.nextFloat();
      }
      out.add(new Point(PointId.of(Math.abs(firstId + i)), v, Map.of(), null));
    }
    return out;
  }

  static List<Point> renumber(List<Point> template, long firstId) {
    List<Point> out = new ArrayList<>(template.size());
    for (int i = 0; i < template.size(); i++) {
      Point p = template.get(i);
      out.add(new Point(PointId.of(firstId + i), p.vector(), p.payload(), p.text()));
    }
    return out;
  }

  /** The one-minute load average, to say how busy the machine was (other builds share it). */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
