package io.quiver.bench.system;

import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.index.engine.EngineConfig;
import io.quiver.index.engine.SearchOptions;
import io.quiver.index.engine.ShardEngine;
import io.quiver.server.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Search load: {@code --threads} callers issue k=10 searches of the 300 SciFact test queries as
 * fast as they can for {@code --seconds} (after {@code --warmup} seconds), first through the query
 * node (SDK, gRPC) against {@code --data-nodes} data nodes in this JVM ({@link LocalCluster}),
 * then against one {@link ShardEngine} with the same corpus and defaults in process. Prints QPS
 * and p50/p99 latency of both and their ratio. Every query vector gets a tiny random nudge so the
 * query node's cache never answers; {@code --read} sets the consistency (STRONG by default, or
 * EVENTUAL). Run with {@code bench/run-load.sh}.
 */
public final class LoadBenchmark {
  /** Throughput and latency of one run. */
  record Result(double qps, double p50Millis, double p99Millis, long searches) {
    @Override
    public String toString() {
      return String.format("%8.0f QPS  p50 %6.2f ms  p99 %6.2f ms  (%d searches)", qps, p50Millis, p99Millis, searches);
    }
  }

  private LoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Flags a = Flags.parse(args, Map.of("--threads", "8", "--seconds", "20", "--warmup", "5",
        "--data-nodes", "3", "--shards", "3", "--replicas", "1", "--read", "STRONG"));
    int threads = a.integer("--threads");
    SciFact data = SciFact.load();
    float[][] queries = data.queryVectors();
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < data.docVectors().length; i++) {
      points.add(new Point(PointId.of(i), data.docVectors()[i]));
    }
    System.out.printf("%d docs x %d, %d queries, k=10, %d threads, %d s after %d s warm-up; load average before: %s%n",
        points.size(), queries[0].length, queries.length, threads, a.integer("--seconds"), a.integer("--warmup"), loadAverage());

    Result system;
    Path dir = Files.createTempDirectory("quiver-load");
    try (LocalCluster cluster = LocalCluster.start(dir, 0, a.integer("--data-nodes"));
        QuiverClient client = QuiverClient.builder(cluster.endpoint())
            .readLevel(ReadLevel.valueOf(a.values().get("--read"))).build()) {
      client.createCollection(CollectionSpec.builder("load", queries[0].length, Distance.COSINE)
          .shards(a.integer("--shards")).replicationFactor(a.integer("--replicas")).build());
      client.upsert("load", points);
      system = run(threads, a, queries, q -> client.search(SearchQuery.builder("load", q).k(10).withPayload(false).build()));
    } finally {
      Flags.deleteTree(dir);
    }
    System.out.printf("query node, %d data nodes, %d shards x RF %d, %s reads: %s%n",
        a.integer("--data-nodes"), a.integer("--shards"), a.integer("--replicas"), a.values().get("--read"), system);

    Result local;
    try (ShardEngine engine = new ShardEngine(EngineConfig.defaults(queries[0].length, Distance.COSINE))) {
      engine.upsert(points, 1);
      local = run(threads, a, queries, q -> engine.search(q, 10, null, SearchOptions.DEFAULT));
    }
    System.out.printf("ShardEngine in process:                  %s%n", local);
    System.out.printf("in process / through the query node: %.1fx the QPS, p50 %.1fx lower; load average after: %s%n",
        local.qps() / system.qps(), system.p50Millis() / local.p50Millis(), loadAverage());
  }

  /** Warm-up, then {@code --seconds} of searches by every thread; latencies of the measured part only. */
  static Result run(int threads, Flags a, float[][] queries, Consumer<float[]> search) throws Exception {
    long warmupEnd = System.nanoTime() + a.integer("--warmup") * 1_000_000_000L;
    long end = warmupEnd + a.integer("--seconds") * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      workers.add(pool.submit(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        long[] lat = new long[1 << 16];
        int n = 0;
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
          float[] q = nudged(queries[r.nextInt(queries.length)], r);
          long t0 = System.nanoTime();
          search.accept(q);
          long took = System.nanoTime() - t0;
          if (t0 >= warmupEnd) {
            if (n == lat.length) {
              lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = took;
          }
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : workers) {
      all.add(f.get());
    }
    pool.shutdown();
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double seconds = a.integer("--seconds");
    return new Result(merged.length / seconds, percentile(merged, 0.50), percentile(merged, 0.99), merged.length);
  }

  private static float[] nudged(float[] q, SplittableRandom r) {
    float[] v = q.clone();
    v[r.nextInt(v.length)] += 1e-6f;
    return v;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
