package io.quiver.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardRouter;
import io.quiver.it.harness.ProcessCluster;
import io.quiver.it.history.Checker;
import io.quiver.it.history.History;
import io.quiver.it.history.Op;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.GetResponse;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.SearchParams;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Value;
import io.quiver.proto.v1.Vector;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.WriteConsistency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The quorum-loss case of the proof-under-faults issue, on three data nodes holding a collection
 * of three shards at RF=3 (every node holds every shard). With one node SIGKILLed (a shard
 * leader), QUORUM upserts and STRONG searches and gets keep succeeding. With a second node
 * killed, no shard has a majority: every upsert must fail within the request deadline with an
 * error that says FAILED (refused, nothing changed) or UNKNOWN (submitted, may still apply).
 * Once both nodes are back, each UNKNOWN batch is wholly applied or wholly absent, each FAILED
 * batch absent, and the whole history passes the {@link Checker}.
 *
 * <p>History and verdict: {@code target/fault-runs/quorum-loss/}.
 */
class QuorumLossTest {
  static final int DIM = 4;
  static final int SHARDS = 3;
  static final String COLLECTION = "quorum";

  private final AtomicLong values = new AtomicLong(1);
  private final History history = new History();

  @Test
  void oneDownKeepsServingTwoDownFailsWithinTheDeadlineAndUnknownBatchesStayWhole() throws Exception {
    Path dir = Path.of("target", "fault-runs", "quorum-loss").toAbsolutePath();
    ProcessCluster.Spec spec = ProcessCluster.Spec.of(1, 1, 3, 1);
    long deadlineMs = spec.requestDeadline().toMillis();
    try (ProcessCluster cluster = new ProcessCluster(dir, spec).start();
        QuiverClient admin = QuiverClient.builder(cluster.queryEndpoint(1)).deadline(Duration.ofSeconds(60)).build()) {
      CollectionInfo info = CrashTest.createWithRetry(admin,
          CollectionSpec.builder(COLLECTION, DIM, Distance.L2).shards(SHARDS).replicationFactor(3).build());
      Map<String, Integer> rf = Map.of(info.uuid(), 3);
      Map<String, Integer> shards = Map.of(info.uuid(), SHARDS);
      assertThat(cluster.awaitConverged(rf, shards, Duration.ofSeconds(120))).as("placed and led").isEmpty();
      ManagedChannel ch = ManagedChannelBuilder.forTarget(cluster.queryEndpoint(1)).usePlaintext().build();
      List<String> log = new ArrayList<>();
      try {
        PointsGrpc.PointsBlockingStub points = PointsGrpc.newBlockingStub(ch);

        // One of three down, and it led shard 0: the shard elects again within the request deadline.
        int first = CrashTest.awaitLeader(cluster, info.uuid(), 0);
        cluster.dataNode(first).kill();
        log.add("killed dn" + first + " (leader of shard 0)");
        int rounds = 0;
        long oneDownUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < oneDownUntil || rounds < 3) {
          for (int s = 0; s < SHARDS; s++) {
            Map<Long, Long> batch = batch(s, rounds);
            long op = history.invoke(0, Op.Kind.UPSERT, null, batch);
            points.withDeadlineAfter(deadlineMs + 10_000, TimeUnit.MILLISECONDS).upsert(upsert(batch, op));
            history.ok(op, null);
            strongGet(points, new ArrayList<>(batch.keySet()), deadlineMs);
          }
          strongSearch(points, deadlineMs);
          rounds++;
        }
        log.add("one down: " + rounds + " rounds of a QUORUM upsert per shard, STRONG gets and a STRONG search, all OK");

        // Two of three down: no shard has a majority.
        int second = first % 3 + 1;
        cluster.dataNode(second).kill();
        log.add("killed dn" + second + "; only dn" + (6 - first - second) + " is up");
        ExecutorService pool = Executors.newFixedThreadPool(SHARDS * 2);
        List<Future<String>> attempts = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
          for (int i = 0; i < 2; i++) {
            int shard = s;
            int round = 1000 + i;
            attempts.add(pool.submit(() -> writeWithoutQuorum(points, shard, round, deadlineMs)));
          }
        }
        for (Future<String> f : attempts) {
          log.add(f.get(deadlineMs * 3, TimeUnit.MILLISECONDS));
        }
        pool.shutdown();

        // Both back: every shard at RF=3 with equal replicas, then one STRONG read of every key.
        cluster.restart(cluster.dataNode(first));
        cluster.restart(cluster.dataNode(second));
        List<String> problems = cluster.awaitConverged(rf, shards, Duration.ofSeconds(180));
        log.add("replica problems after both returned: " + problems);
        Map<Long, Long> finalState = finalRead(points);
        Checker.Result result = new Checker(k -> ShardRouter.shardOf(PointId.of(k), SHARDS)).check(history.ops());
        List<String> torn = wholeness(finalState);
        String verdict = String.join("\n", log) + "\nbatches after quorum loss, as read at the end: " + torn.size()
            + " torn or visible-after-FAILED\n" + String.join("\n", torn) + "\n" + result.summary();
        Files.createDirectories(dir);
        History.write(dir.resolve("history.txt"), history.ops(), verdict);
        Files.writeString(dir.resolve("verdict.txt"), verdict + "\n");
        System.out.println(verdict);

        assertThat(problems).as(verdict).isEmpty();
        assertThat(torn).as(verdict).isEmpty();
        assertThat(result.violations()).as(verdict).isEmpty();
      } finally {
        ch.shutdownNow();
      }
    }
  }

  /**
   * One upsert with two of three replicas down: it must fail, within the request deadline (plus
   * scheduling slack), with the shard's outcome stated. Recorded as FAIL or UNKNOWN accordingly.
   */
  private String writeWithoutQuorum(PointsGrpc.PointsBlockingStub points, int shard, int round, long deadlineMs) {
    Map<Long, Long> batch = batch(shard, round);
    long op = history.invoke(1 + shard, Op.Kind.UPSERT, null, batch);
    long t0 = System.nanoTime();
    try {
      points.withDeadlineAfter(deadlineMs * 3, TimeUnit.MILLISECONDS).upsert(upsert(batch, op));
      history.ok(op, null);
      throw new AssertionError("shard " + shard + " acknowledged a QUORUM write with two of three replicas down");
    } catch (StatusRuntimeException e) {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      String desc = String.valueOf(e.getStatus().getDescription());
      boolean unknown = desc.contains("outcome unknown") || e.getStatus().getCode() == Status.Code.UNKNOWN;
      boolean failed = desc.contains("refused") || desc.contains("no leader with a reachable majority");
      if (unknown) {
        history.unknown(op, e.getStatus().getCode() + ": " + desc);
      } else {
        history.fail(op, e.getStatus().getCode() + ": " + desc);
      }
      assertThat(e.getStatus().getCode()).as(desc).isIn(Status.Code.UNKNOWN, Status.Code.UNAVAILABLE);
      assertThat(unknown || failed).as("the error states the shard's outcome: " + desc).isTrue();
      // The query node's deadline governs; 5 s covers a loaded machine's scheduling.
      assertThat(ms).as("failed within the request deadline: " + desc).isLessThanOrEqualTo(deadlineMs + 5_000);
      return "two down, shard " + shard + ": " + (unknown ? "UNKNOWN" : "FAILED") + " (" + e.getStatus().getCode()
          + ") after " + ms + " ms: " + desc;
    }
  }

  /** Three fresh values for keys of {@code shard} private to {@code round}. */
  private Map<Long, Long> batch(int shard, int round) {
    Map<Long, Long> out = new TreeMap<>();
    for (long k = 1_000_000L * (round + 1); out.size() < 3; k++) {
      if (ShardRouter.shardOf(PointId.of(k), SHARDS) == shard) {
        out.put(k, values.getAndIncrement());
      }
    }
    return out;
  }

  private static UpsertRequest upsert(Map<Long, Long> batch, long op) {
    UpsertRequest.Builder req = UpsertRequest.newBuilder().setCollection(COLLECTION)
        .setConsistency(WriteConsistency.QUORUM).setRequestId(UUID.randomUUID().toString());
    batch.forEach((k, v) -> req.addPoints(PointStruct.newBuilder().setId(Workload.id(k))
        .setVector(Vector.newBuilder().addValues(v % 97).addValues(1).addValues(2).addValues(3))
        .setPayload(Struct.newBuilder().putFields("v", Value.newBuilder().setIntValue(v).build())
            .putFields("b", Value.newBuilder().setIntValue(op).build()))));
    return req.build();
  }

  private void strongGet(PointsGrpc.PointsBlockingStub points, List<Long> keys, long deadlineMs) {
    GetRequest.Builder req = GetRequest.newBuilder().setCollection(COLLECTION)
        .setWithPayload(WithPayload.newBuilder().setEnable(true))
        .setRead(ReadOptions.newBuilder().setConsistency(ReadConsistency.STRONG));
    keys.forEach(k -> req.addIds(Workload.id(k)));
    long op = history.invoke(0, Op.Kind.GET, Op.Level.STRONG, null);
    GetResponse r = points.withDeadlineAfter(deadlineMs + 10_000, TimeUnit.MILLISECONDS).get(req.build());
    Map<Long, Long> seen = new HashMap<>();
    keys.forEach(k -> seen.put(k, Op.ABSENT));
    r.getPointsList().forEach(p -> seen.put(p.getId().getNum(), p.getPayload().getFieldsOrThrow("v").getIntValue()));
    history.ok(op, seen);
  }

  private void strongSearch(PointsGrpc.PointsBlockingStub points, long deadlineMs) {
    SearchRequest req = SearchRequest.newBuilder().setCollection(COLLECTION)
        .setVector(Vector.newBuilder().addValues(5).addValues(1).addValues(2).addValues(3)).setK(10)
        .setParams(SearchParams.newBuilder().setExact(true)).setWithPayload(WithPayload.newBuilder().setEnable(true))
        .setRead(ReadOptions.newBuilder().setConsistency(ReadConsistency.STRONG)).build();
    long op = history.invoke(0, Op.Kind.SEARCH, Op.Level.STRONG, null);
    SearchResponse r = points.withDeadlineAfter(deadlineMs + 10_000, TimeUnit.MILLISECONDS).search(req);
    Map<Long, Long> seen = new HashMap<>();
    r.getHitsList().forEach(h -> seen.put(h.getId().getNum(), h.getPayload().getFieldsOrThrow("v").getIntValue()));
    assertThat(seen).as("a STRONG search with one node down finds points").isNotEmpty();
    history.ok(op, seen);
  }

  /** Every key ever written, read at STRONG once (bounded retries while the shards settle). */
  private Map<Long, Long> finalRead(PointsGrpc.PointsBlockingStub points) throws InterruptedException {
    List<Long> keys = history.ops().stream().filter(Op::isWrite).flatMap(o -> o.writes().keySet().stream())
        .distinct().toList();
    for (int attempt = 1; ; attempt++) {
      long invoke = System.nanoTime();
      try {
        GetRequest.Builder req = GetRequest.newBuilder().setCollection(COLLECTION)
            .setWithPayload(WithPayload.newBuilder().setEnable(true))
            .setRead(ReadOptions.newBuilder().setConsistency(ReadConsistency.STRONG));
        keys.forEach(k -> req.addIds(Workload.id(k)));
        GetResponse r = points.withDeadlineAfter(30, TimeUnit.SECONDS).get(req.build());
        Map<Long, Long> seen = new HashMap<>();
        keys.forEach(k -> seen.put(k, Op.ABSENT));
        r.getPointsList().forEach(p -> seen.put(p.getId().getNum(), p.getPayload().getFieldsOrThrow("v").getIntValue()));
        history.add(new Op(history.nextId(), -1, Op.Kind.FINAL, Op.Level.STRONG, null, seen, invoke, System.nanoTime(),
            Op.Outcome.OK, null));
        return seen;
      } catch (StatusRuntimeException e) {
        if (attempt >= 20) {
          throw e;
        }
        Thread.sleep(3000);
      }
    }
  }

  /** The batches written without a quorum: an UNKNOWN one all or nothing, a FAILED one nothing. */
  private List<String> wholeness(Map<Long, Long> finalState) {
    List<String> bad = new ArrayList<>();
    for (Op o : history.ops()) {
      if (!o.isWrite() || o.outcome() == Op.Outcome.OK) {
        continue;
      }
      long visible = o.writes().entrySet().stream().filter(w -> w.getValue().equals(finalState.get(w.getKey()))).count();
      if (o.outcome() == Op.Outcome.FAIL ? visible != 0 : visible != 0 && visible != o.writes().size()) {
        bad.add("op " + o.id() + " " + o.outcome() + ": " + visible + " of " + o.writes().size() + " values visible " + o.writes());
      }
    }
    return bad;
  }
}
