package io.quiver.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardRouter;
import io.quiver.it.harness.ChildJvm;
import io.quiver.it.harness.ProcessCluster;
import io.quiver.it.history.Checker;
import io.quiver.it.history.History;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Vector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The crash test of the Raft-shards issue: three data nodes as separate processes, one collection
 * at RF=1 and one at RF=3, upserts and deletes streaming through the query node while data nodes
 * are SIGKILLed (a write always in flight) and restarted on their directories. Ten of the kills
 * take an RF=3 shard leader, timing how long until writes and STRONG reads of that shard succeed
 * again. Afterwards the history is checked, the replicas' digests compared, and a replica
 * restarted with the {@code corrupt-apply} fault must make the digest check fail.
 *
 * <p>Seed: {@code -Dquiver.crash.seed=N}. Kills: {@code -Dquiver.crash.kills=N} (default 20).
 * History, verdict and process logs go to {@code target/fault-runs/crash-<seed>/}.
 */
class CrashTest {
  static final int DIM = 4;

  @Test
  void acknowledgedWritesSurviveSigkillsAndReplicasAgree() throws Exception {
    long seed = Long.getLong("quiver.crash.seed", new Random().nextLong());
    int kills = Integer.getInteger("quiver.crash.kills", 20);
    System.out.println("CrashTest seed " + seed + " (rerun with -Dquiver.crash.seed=" + seed + ")");
    Random rnd = new Random(seed);
    Path dir = Path.of("target", "fault-runs", "crash-" + seed).toAbsolutePath();
    ProcessCluster.Spec spec = ProcessCluster.Spec.of(1, 1, 3, 1);
    long recoveryBoundMs = 2 * spec.electionMax().toMillis() + 2_000;
    try (ProcessCluster cluster = new ProcessCluster(dir, spec).start();
        QuiverClient admin = QuiverClient.builder(cluster.queryEndpoint(1)).deadline(Duration.ofSeconds(60)).build()) {
      CollectionInfo rf3 = createWithRetry(admin, CollectionSpec.builder("rf3", DIM, Distance.L2).shards(2).replicationFactor(3).build());
      CollectionInfo rf1 = createWithRetry(admin, CollectionSpec.builder("rf1", DIM, Distance.L2).shards(3).replicationFactor(1).build());
      Map<String, Integer> rf = Map.of(rf3.uuid(), 3, rf1.uuid(), 1);
      Map<String, Integer> shards = Map.of(rf3.uuid(), 2, rf1.uuid(), 3);
      assertThat(cluster.awaitConverged(rf, shards, Duration.ofSeconds(90))).as("replicas placed and led").isEmpty();

      History h3 = new History();
      History h1 = new History();
      List<String> qn = List.of(cluster.queryEndpoint(1));
      Workload w3 = new Workload(h3, qn, new Workload.Config("rf3", DIM, 2, 3, 1, 40, seed, true, 30_000));
      Workload w1 = new Workload(h1, qn, new Workload.Config("rf1", DIM, 3, 2, 1, 40, seed + 1, true, 30_000));
      w3.start();
      w1.start();
      Thread.sleep(3000);

      int leaderKills = 0;
      int inFlightAtKill = 0;
      List<Long> recoveries = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        boolean leaderLoss = k % 2 == 0 && recoveries.size() < 10;
        int victim;
        int shard = rnd.nextInt(2);
        if (leaderLoss) {
          victim = awaitLeader(cluster, rf3.uuid(), shard);
        } else {
          victim = 1 + rnd.nextInt(3);
        }
        boolean ledSomething = cluster.status(victim, false).orElse(List.of()).stream()
            .anyMatch(r -> r.role().equals("leader"));
        awaitWriteInFlight(h3, h1);
        if (h3.inFlightWrites() + h1.inFlightWrites() > 0) {
          inFlightAtKill++;
        }
        ChildJvm node = cluster.dataNode(victim);
        long killedAt = System.nanoTime();
        node.kill();
        if (ledSomething) {
          leaderKills++;
        }
        if (leaderLoss) {
          long ms = probeUntilServing(cluster.queryEndpoint(1), shard, killedAt);
          recoveries.add(ms);
          System.out.printf("kill %d: dn%d led rf3 shard %d; writes and STRONG reads back after %d ms%n", k, victim, shard, ms);
        } else {
          System.out.printf("kill %d: dn%d (led a shard: %s)%n", k, victim, ledSomething);
          Thread.sleep(rnd.nextInt(1500));
        }
        cluster.restart(node);
        Thread.sleep(2000 + rnd.nextInt(2000));
      }
      w3.stop();
      w1.stop();

      List<String> problems = cluster.awaitConverged(rf, shards, Duration.ofSeconds(180));
      w3.finalRead(h3);
      w1.finalRead(h1);
      Checker.Result r3 = new Checker(w3::shardOf).check(h3.ops());
      Checker.Result r1 = new Checker(w1::shardOf).check(h1.ops());
      long worst = recoveries.stream().mapToLong(Long::longValue).max().orElse(-1);
      String verdict = "seed " + seed + "\nkills " + kills + ", of a shard leader " + leaderKills + ", with a write in flight "
          + inFlightAtKill + "\nleader-loss recoveries (ms) " + recoveries + ", worst " + worst + ", bound " + recoveryBoundMs
          + "\nreplica problems " + problems + "\nrf3: " + r3.summary() + "\nrf1: " + r1.summary();
      History.write(dir.resolve("history-rf3.txt"), h3.ops(), verdict);
      History.write(dir.resolve("history-rf1.txt"), h1.ops(), verdict);
      Files.writeString(dir.resolve("verdict.txt"), verdict + "\n");
      System.out.println(verdict);

      assertThat(r3.violations()).as(verdict).isEmpty();
      assertThat(r1.violations()).as(verdict).isEmpty();
      assertThat(problems).as(verdict).isEmpty();
      assertThat(inFlightAtKill).as(verdict).isEqualTo(kills);
      assertThat(leaderKills).as(verdict).isGreaterThanOrEqualTo(Math.min(8, kills));
      assertThat(r3.counts().getOrDefault("UPSERT/OK", 0L)).as(verdict).isPositive();
      // The bound: writes and STRONG searches back within 2x the max election timeout + 2 s.
      assertThat(worst).as(verdict).isLessThanOrEqualTo(recoveryBoundMs);

      // The digest check checks itself: a replica that stores a changed payload must be caught.
      ChildJvm dn3 = cluster.dataNode(3);
      dn3.kill();
      dn3.setExtraFlags(List.of("-Dquiver.test-faults=corrupt-apply"));
      cluster.restart(dn3);
      assertThat(cluster.awaitConverged(rf, shards, Duration.ofSeconds(120))).as("converged before the planted fault").isEmpty();
      writeProbes(cluster.queryEndpoint(1), 0, 3);
      writeProbes(cluster.queryEndpoint(1), 1, 3);
      List<String> planted = List.of();
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < giveUp && planted.stream().noneMatch(p -> p.contains("DIVERGENT"))) {
        planted = cluster.replicaProblems(rf, shards);
        Thread.sleep(500);
      }
      System.out.println("planted corrupt rows on dn3: " + planted);
      assertThat(planted).as("the digest check sees the corrupted replica").anyMatch(p -> p.contains("DIVERGENT"));
    }
  }

  static CollectionInfo createWithRetry(QuiverClient admin, CollectionSpec spec) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return admin.createCollection(spec);
      } catch (RuntimeException e) {
        if (attempt >= 10) {
          throw e;
        }
        Thread.sleep(3000);
      }
    }
  }

  static int awaitLeader(ProcessCluster cluster, String uuid, int shard) throws InterruptedException {
    for (int i = 0; i < 240; i++) {
      int n = cluster.leaderOf(uuid, shard);
      if (n > 0) {
        return n;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no leader of " + uuid + "/" + shard + " for 60 s");
  }

  /** The workload keeps writes going; wait (bounded) for one to be in flight at this instant. */
  static void awaitWriteInFlight(History a, History b) throws InterruptedException {
    for (int i = 0; i < 2000 && a.inFlightWrites() + b.inFlightWrites() == 0; i++) {
      Thread.sleep(1);
    }
  }

  /** Probe keys of the rf3 collection in {@code shard}, outside every writer's range. */
  static List<Long> probeKeys(int shard, int n) {
    List<Long> keys = new ArrayList<>();
    for (long k = 9_000_000; keys.size() < n; k++) {
      if (ShardRouter.shardOf(PointId.of(k), 2) == shard) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** Upserts to the probe keys of a shard (5 s deadline); true if acknowledged. */
  static boolean writeProbes(String endpoint, int shard, int n) {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      UpsertRequest.Builder req = UpsertRequest.newBuilder().setCollection("rf3").setRequestId(UUID.randomUUID().toString());
      for (long k : probeKeys(shard, n)) {
        req.addPoints(PointStruct.newBuilder().setId(Workload.id(k))
            .setVector(Vector.newBuilder().addValues(1).addValues(2).addValues(3).addValues(4)));
      }
      PointsGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).upsert(req.build());
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      return false;
    } finally {
      ch.shutdownNow();
    }
  }

  /** Milliseconds from the kill until a write and a STRONG get of the shard both succeed (gives up after 120 s). */
  static long probeUntilServing(String endpoint, int shard, long killedAt) throws InterruptedException {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      long giveUp = killedAt + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < giveUp) {
        if (writeProbes(endpoint, shard, 1)) {
          try {
            GetRequest get = GetRequest.newBuilder().setCollection("rf3").addIds(Workload.id(probeKeys(shard, 1).get(0)))
                .setRead(ReadOptions.newBuilder().setConsistency(ReadConsistency.STRONG)).build();
            if (PointsGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).get(get).getPointsCount() == 1) {
              return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            }
          } catch (io.grpc.StatusRuntimeException e) {
            // not yet
          }
        }
        Thread.sleep(100);
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    } finally {
      ch.shutdownNow();
    }
  }
}
