package io.quiver.datanode.raft;

import static io.quiver.datanode.raft.Shards.awaitApplied;
import static io.quiver.datanode.raft.Shards.batch;
import static io.quiver.datanode.raft.Shards.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.shard.LocalShard;
import io.quiver.datanode.store.ShardOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica added after the log was purged gets the state as a snapshot from the leader. */
class SnapshotInstallTest {
  /** Small segments and a low threshold so snapshots are taken and the log purged within the test. */
  static final RaftSettings SMALL_LOG = new RaftSettings(Duration.ofMillis(2000), Duration.ofMillis(4000),
      Duration.ofSeconds(3), 64 << 10, 1000, 64 << 10, 2, 4 << 20, 20, 8);

  static final String INSTALLS = "quiver.datanode.snapshot.installs";

  @TempDir Path root;
  List<TestNode> nodes;

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  @Test
  void aLearnerAddedAfterPurgeInstallsTheSnapshotAndMatchesTheLeader() throws Exception {
    TestNode a = new TestNode("a", root, SMALL_LOG).start();
    TestNode b = new TestNode("b", root, SMALL_LOG);
    nodes = List.of(a, b);
    ShardId shard = Shards.newShard();
    a.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of());
    List<TestNode> group = List.of(a);
    WriteOutcome last = null;
    for (int i = 0; i < 150; i++) {
      last = write(shard, group, "w" + i, batch(i * 10L, 10, i % 3), WriteLevel.QUORUM);
    }
    write(shard, group, "d", new ShardOp.Delete(List.of(io.quiver.common.model.PointId.of(5))), WriteLevel.QUORUM);
    await().atMost(Shards.WAIT).until(() -> a.groups.status(shard).orElseThrow().logStartIndex() > 1);

    b.start();
    b.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of(b.peer()));
    a.groups.membership().addLearner(shard, b.peer(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    long leaderApplied = a.groups.status(shard).orElseThrow().appliedIndex();
    awaitApplied(b, shard, leaderApplied);

    assertThat(b.groups.status(shard).orElseThrow().snapshotInstalls()).isGreaterThanOrEqualTo(1);
    // The installation shows in the node's metrics (what /metrics serves); the leader installed nothing.
    assertThat(b.meters.get(INSTALLS).counter().count()).isGreaterThanOrEqualTo(1);
    assertThat(b.meters.scrape()).containsPattern("quiver_datanode_snapshot_installs_total\\{[^}]*\\} [1-9]");
    assertThat(a.meters.get(INSTALLS).counter().count()).isZero();
    // a learner in the leader's configuration, its own division a Ratis listener (see ensureReplica)
    assertThat(a.groups.configuration(shard).listeners()).containsExactly(b.peer());
    assertThat(b.groups.status(shard).orElseThrow().role()).isEqualTo("LISTENER");
    assertThat(b.groups.store(shard).digest().sameRows(a.groups.store(shard).digest())).isTrue();
    assertThat(b.groups.store(shard).countLive()).isEqualTo(1499);
    assertThat(b.recorder.resets.get(shard)).isGreaterThan(1L);
    assertSameSearchResults(shard, a, b);

    // promoted to voter, it takes part in later writes
    a.groups.membership().promote(shard, b.peer().peerId(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    await().atMost(Shards.WAIT).until(() -> a.groups.configuration(shard).voters().size() == 2);
    assertThat(a.groups.configuration(shard).voters()).containsExactlyInAnyOrder(a.peer(), b.peer());
    WriteOutcome after = write(shard, nodes, "after", batch(5000, 1, 0), WriteLevel.ALL);
    assertThat(after.status()).isEqualTo(WriteOutcome.Status.APPLIED);
    awaitApplied(b, shard, after.logIndex());
    assertThat(b.groups.store(shard).digest().sameRows(a.groups.store(shard).digest())).isTrue();
    // and it can lead: a promoted learner that kept running as a Ratis listener refused to stand;
    // its node restarts the division, which then runs as a follower
    await().atMost(Shards.WAIT).until(() -> b.groups.status(shard).map(ReplicaStatus::role).orElse("").equals("FOLLOWER"));
    a.groups.membership().transferLeadership(shard, b.peer().peerId(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    await().atMost(Shards.WAIT).until(() -> b.groups.status(shard).orElseThrow().role().equals("LEADER"));
    assertThat(last).isNotNull();
  }

  /**
   * Each replica's index is rebuilt from its rows after an install (ShardIndexes does that on the
   * reset): built so from both, they answer the same searches, exact and approximate.
   */
  private static void assertSameSearchResults(ShardId shard, TestNode a, TestNode b) {
    Random r = new Random(42);
    try (LocalShard fromA = LocalShard.rebuild(shard, Shards.CONFIG, a.groups.store(shard));
        LocalShard fromB = LocalShard.rebuild(shard, Shards.CONFIG, b.groups.store(shard))) {
      assertThat(fromB.size()).isEqualTo(fromA.size()).isEqualTo(1499);
      for (int q = 0; q < 20; q++) {
        float[] query = new float[Shards.DIM];
        for (int i = 0; i < query.length; i++) {
          query[i] = r.nextFloat() * 800;
        }
        for (boolean exact : new boolean[] {true, false}) {
          var want = fromA.search(query, 10, Filter.ALL, 64, exact);
          assertThat(fromB.search(query, 10, Filter.ALL, 64, exact))
              .extracting(ScoredPoint::id, ScoredPoint::score)
              .containsExactlyElementsOf(want.stream().map(h -> org.assertj.core.groups.Tuple.tuple(h.id(), h.score())).toList())
              .hasSize(10);
        }
      }
    }
  }
}
