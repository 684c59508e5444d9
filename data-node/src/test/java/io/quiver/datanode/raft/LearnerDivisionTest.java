package io.quiver.datanode.raft;

import static io.quiver.datanode.raft.Shards.awaitApplied;
import static io.quiver.datanode.raft.Shards.batch;
import static io.quiver.datanode.raft.Shards.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner's own Raft division must stay open however long its admission or the leader's
 * heartbeats take. It used to start as a follower outside the voters: after one election timeout
 * without a leader it stood for election, and Ratis closed it for good (the leader answers such a
 * vote request with "shut down"; a candidate outside its own configuration shuts itself down), so
 * the move that was adding it never finished.
 */
class LearnerDivisionTest {
  /** Longer than two election timeouts of {@link TestNode#SETTINGS} (2-4 s). */
  static final Duration LONGER_THAN_ELECTIONS = Duration.ofSeconds(10);

  @TempDir Path root;
  TestNode a;
  TestNode b;
  List<TestNode> nodes;

  @BeforeEach
  void start() {
    a = new TestNode("a", root, TestNode.SETTINGS).start();
    b = new TestNode("b", root, TestNode.SETTINGS).start();
    nodes = List.of(a, b);
  }

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  @Test
  void aLearnerWaitingLongForItsAdmissionStaysOpenThenVotesAndLeads() throws Exception {
    ShardId shard = Shards.newShard();
    a.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of());
    write(shard, List.of(a), "before", batch(0, 10, 0), WriteLevel.QUORUM);
    // a group with a history: its leader's configuration entry is past the start of the log (the
    // leader answers a vote request from outside the group with "shut down" only then)
    a.stop();
    a.start();

    // the placement named b a learner, but the leader's admission comes late (a coordinator
    // failover in between, in CoordinatorFailoverTest)
    b.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of(b.peer()));
    assertThat(rolesOver(b, shard, LONGER_THAN_ELECTIONS)).containsExactly("LISTENER RUNNING");

    admit(shard);
    WriteOutcome learnt = write(shard, List.of(a), "learnt", batch(100, 10, 0), WriteLevel.QUORUM);
    awaitApplied(b, shard, learnt.logIndex());
    assertThat(b.groups.store(shard).countLive()).isEqualTo(20);

    // promoted, its division is restarted to run as a follower: it votes and can lead
    a.groups.membership().promote(shard, b.peer().peerId(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    await().atMost(Shards.WAIT).until(() -> role(b, shard).equals("FOLLOWER"));
    WriteOutcome all = write(shard, nodes, "all", batch(200, 10, 0), WriteLevel.ALL);
    assertThat(all.status()).isEqualTo(WriteOutcome.Status.APPLIED);
    a.groups.membership().transferLeadership(shard, b.peer().peerId(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    await().atMost(Shards.WAIT).until(() -> role(b, shard).equals("LEADER"));
    assertThat(b.groups.store(shard).countLive()).isEqualTo(30);
    assertThat(b.groups.store(shard).digest().sameRows(a.groups.store(shard).digest())).isTrue();
  }

  @Test
  void anAdmittedLearnerOutlivesItsLeadersAbsence() throws Exception {
    ShardId shard = groupWithAdmittedLearner();
    WriteOutcome first = write(shard, List.of(a), "first", batch(0, 10, 0), WriteLevel.QUORUM);
    awaitApplied(b, shard, first.logIndex());

    // no heartbeats for several election timeouts: the leader's node is down (or starved of CPU)
    a.stop();
    assertThat(rolesOver(b, shard, LONGER_THAN_ELECTIONS)).containsExactly("LISTENER RUNNING");
    a.start();
    WriteOutcome second = write(shard, List.of(a), "second", batch(100, 10, 0), WriteLevel.QUORUM);
    awaitApplied(b, shard, second.logIndex());
    assertThat(b.groups.store(shard).countLive()).isEqualTo(20);
  }

  @Test
  void aLearnerWhoseDivisionRatisClosedIsStartedAgainAndCatchesUp() throws Exception {
    ShardId shard = groupWithAdmittedLearner();

    // what Ratis does to a division whose log or state machine failed
    b.groups.server().getDivision(ShardGroups.groupId(shard)).close();
    WriteOutcome meanwhile = write(shard, List.of(a), "meanwhile", batch(0, 10, 0), WriteLevel.QUORUM);
    await().atMost(Shards.WAIT).until(() -> role(b, shard).equals("LISTENER"));
    awaitApplied(b, shard, meanwhile.logIndex());
    assertThat(b.groups.store(shard).countLive()).isEqualTo(10);
  }

  @Test
  void writesReachTheLeaderWhileAPromotionIsInItsJointConfiguration() throws Exception {
    ShardId shard = groupWithAdmittedLearner();
    // the promoted learner is down: the joint configuration (old: b a listener; new: b a voter)
    // cannot commit and stays; Ratis's Division.getGroup() lists b twice in it and throws
    String learner = b.peer().peerId();
    b.stop();
    CompletableFuture<Void> promoted = a.groups.membership().promote(shard, learner, Duration.ofSeconds(60));
    await().atMost(Shards.WAIT).until(() -> !a.groups.server().getDivision(ShardGroups.groupId(shard)).getRaftConf()
        .getPreviousPeers(RaftPeerRole.LISTENER).isEmpty());
    WriteOutcome during = a.groups.write(shard, "during", batch(0, 10, 0), WriteLevel.QUORUM, Duration.ofSeconds(1))
        .get(30, TimeUnit.SECONDS);
    assertThat(during.status()).isEqualTo(WriteOutcome.Status.UNKNOWN); // not committed without b
    b.start();
    promoted.get(60, TimeUnit.SECONDS);
    WriteOutcome retried = write(shard, nodes, "during", batch(0, 10, 0), WriteLevel.ALL);
    assertThat(retried.status()).isEqualTo(WriteOutcome.Status.APPLIED);
    awaitApplied(b, shard, retried.logIndex());
    assertThat(b.groups.store(shard).countLive()).isEqualTo(10);
  }

  /** A new shard led by {@code a}, with {@code b} admitted as its learner. */
  private ShardId groupWithAdmittedLearner() {
    ShardId shard = Shards.newShard();
    a.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of());
    b.groups.ensureReplica(shard, Shards.CONFIG, List.of(a.peer()), List.of(b.peer()));
    admit(shard);
    return shard;
  }

  /** The leader {@code a} admits {@code b} as a learner, once it is ready to. */
  private void admit(ShardId shard) {
    await().atMost(Shards.WAIT).ignoreExceptions().until(() -> {
      a.groups.membership().addLearner(shard, b.peer(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
      return true;
    });
  }

  /**
   * The roles and Ratis life-cycle states of the replica on {@code n}, polled for {@code period}
   * ("absent" when it has none).
   */
  private static Set<String> rolesOver(TestNode n, ShardId shard, Duration period) throws InterruptedException {
    Set<String> seen = new LinkedHashSet<>();
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      seen.add(role(n, shard) + " " + lifeCycle(n, shard));
      Thread.sleep(50);
    }
    return seen;
  }

  private static String lifeCycle(TestNode n, ShardId shard) {
    try {
      return n.groups.server().getDivision(ShardGroups.groupId(shard)).getInfo().getLifeCycleState().name();
    } catch (java.io.IOException | RuntimeException e) {
      return "absent";
    }
  }

  private static String role(TestNode n, ShardId shard) {
    try {
      return n.groups.status(shard).map(ReplicaStatus::role).orElse("absent");
    } catch (RuntimeException e) {
      return "failed: " + e;
    }
  }
}
