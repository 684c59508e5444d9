package io.quiver.datanode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.ops.OpsServer;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.shard.ShardIndexes;
import io.quiver.datanode.store.ShardOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shard leader whose index lags too far refuses writes before they reach the log. */
class WriteAdmissionTest {
  /** Graphs of 64-d points build far slower than one in-process writer appends them. */
  static final int DIM = 64;
  static final int BATCH = 400;
  static final CollectionConfig CONFIG = CollectionConfig.of(DIM, Distance.L2);

  @TempDir Path root;

  @Test
  void aLeaderWhoseIndexLagsRefusesWithResourceExhaustedAndNothingChanges() throws Exception {
    long seed = System.nanoTime();
    System.out.println("seed=" + seed);
    Random r = new Random(seed);
    ShardIndexes indexes = new ShardIndexes();
    PrometheusMeterRegistry meters = OpsServer.newRegistry("data-node", "a");
    // A backlog of 5,000 points: the first sealed segment (20,000 points) is over it until its graph is built.
    ShardGroups g = ShardGroups.start(root, new NodeId("a"), "127.0.0.1:" + TestNode.freePort(), false,
        TestNode.SETTINGS, TestNode.STORE, indexes, new AdmissionSettings(1_000, 5_000), meters);
    try {
      ShardId shard = Shards.newShard();
      g.ensureReplica(shard, CONFIG, List.of(g.self()), List.of());
      indexes.attach(shard, CONFIG, g.store(shard));
      await().atMost(Shards.WAIT).until(() -> g.status(shard).orElseThrow().role().equals("LEADER"));

      int accepted = 0;
      WriteOutcome refused = null;
      ShardOp.Upsert refusedOp = null;
      long appliedBefore = -1;
      ShardOp.Upsert first = null;
      for (int i = 0; i < 250 && refused == null; i++) {
        ShardOp.Upsert op = batch(r, accepted);
        appliedBefore = g.status(shard).orElseThrow().appliedIndex();
        WriteOutcome o = write(g, shard, "w" + i, op);
        if (o.status() == WriteOutcome.Status.APPLIED) {
          first = first == null ? op : first;
          accepted += BATCH;
        } else {
          refused = o;
          refusedOp = op;
        }
      }
      assertThat(refused).as("a write refused within 100,000 points").isNotNull();
      assertThat(refused.status()).isEqualTo(WriteOutcome.Status.FAILED);
      assertThat(refused.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
      assertThat(refused.message()).contains("shard " + shard, "points wait for their index",
          "data-node.admission.max-index-backlog-points=5000", "nothing was written");
      assertThat(accepted).isGreaterThan(20_000);
      // Nothing of the refused batch reached the log or the rows.
      assertThat(g.status(shard).orElseThrow().appliedIndex()).isEqualTo(appliedBefore);
      assertThat(g.store(shard).countLive()).isEqualTo(accepted);
      assertThat(g.store(shard).get(refusedOp.points().get(0).id())).isEmpty();
      assertThat(meters.get("quiver.datanode.writes.refused").tag("reason", "index-backlog").counter().count())
          .isGreaterThanOrEqualTo(1);

      // A retry of a request that did apply is answered from the record, not refused.
      WriteOutcome repeat = write(g, shard, "w0", first);
      assertThat(repeat.status()).isEqualTo(WriteOutcome.Status.APPLIED);
      assertThat(repeat.duplicate()).isTrue();
      assertThat(g.store(shard).countLive()).isEqualTo(accepted);

      // Once the graphs are built, the same request is accepted.
      indexes.find(shard).orElseThrow().awaitIndexed();
      assertThat(indexes.indexBacklog(shard)).isZero();
      WriteOutcome retried = write(g, shard, "retry", refusedOp);
      assertThat(retried.status()).isEqualTo(WriteOutcome.Status.APPLIED);
      assertThat(g.store(shard).countLive()).isEqualTo(accepted + BATCH);
    } finally {
      g.close();
      indexes.close();
    }
  }

  @Test
  void aNodeOverItsMemoryOrDiskBudgetRefusesWritesNamingTheLimit() throws Exception {
    // A budget of one byte: any heap in use, any file in the data directory is over it.
    record Case(String name, AdmissionSettings settings, String limit) {}
    for (Case c : List.of(
        new Case("memory", new AdmissionSettings(1_000, 200_000, 1, 0), "data-node.admission.memory-budget-bytes=1"),
        new Case("disk", new AdmissionSettings(1_000, 200_000, 0, 1), "data-node.admission.disk-budget-bytes=1"))) {
      System.gc(); // so the heap pools report a use after collection however young this JVM is
      ShardIndexes indexes = new ShardIndexes();
      PrometheusMeterRegistry meters = OpsServer.newRegistry("data-node", c.name());
      ShardGroups g = ShardGroups.start(root.resolve(c.name()), new NodeId(c.name()), "127.0.0.1:" + TestNode.freePort(),
          false, TestNode.SETTINGS, TestNode.STORE, indexes, c.settings(), meters);
      try {
        ShardId shard = Shards.newShard();
        g.ensureReplica(shard, CONFIG, List.of(g.self()), List.of());
        indexes.attach(shard, CONFIG, g.store(shard));
        await().atMost(Shards.WAIT).until(() -> g.status(shard).orElseThrow().role().equals("LEADER"));
        long appliedBefore = g.status(shard).orElseThrow().appliedIndex();

        WriteOutcome o = g.write(shard, "w", batch(new Random(1), 0), WriteLevel.QUORUM, Duration.ofSeconds(10))
            .get(30, TimeUnit.SECONDS);
        assertThat(o.status()).as(c.name()).isEqualTo(WriteOutcome.Status.FAILED);
        assertThat(o.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(o.message()).contains("shard " + shard, c.limit(), "nothing was written");
        assertThat(g.status(shard).orElseThrow().appliedIndex()).isEqualTo(appliedBefore);
        assertThat(g.store(shard).countLive()).isZero();
        assertThat(meters.get("quiver.datanode.writes.refused").tag("reason", "budget").counter().count()).isEqualTo(1);
        // What status shows: the use that is over the budget.
        ResourceBudget r = g.resources();
        assertThat(c.name().equals("memory") ? r.memoryUsedBytes() : r.diskUsedBytes()).isPositive();
        assertThat(c.name().equals("memory") ? r.memoryBudgetBytes() : r.diskBudgetBytes()).isEqualTo(1);
      } finally {
        g.close();
        indexes.close();
      }
    }
  }

  /** Writes, retrying while the leader is not ready yet (its first entry of the term not yet applied). */
  private static WriteOutcome write(ShardGroups g, ShardId shard, String requestId, ShardOp op) throws Exception {
    while (true) {
      WriteOutcome o = g.write(shard, requestId, op, WriteLevel.QUORUM, Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
      if (o.status() != WriteOutcome.Status.FAILED || !o.code().retryable()) {
        return o;
      }
      Thread.sleep(100);
    }
  }

  private static ShardOp.Upsert batch(Random r, long firstId) {
    List<Point> points = new ArrayList<>();
    for (long id = firstId; id < firstId + BATCH; id++) {
      float[] v = new float[DIM];
      for (int i = 0; i < DIM; i++) {
        v[i] = r.nextFloat();
      }
      points.add(new Point(PointId.of(id), v, Map.of(), null));
    }
    return new ShardOp.Upsert(points);
  }
}
