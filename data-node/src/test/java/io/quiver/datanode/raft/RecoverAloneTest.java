package io.quiver.datanode.raft;

import static io.quiver.datanode.raft.Shards.WAIT;
import static io.quiver.datanode.raft.Shards.batch;
import static io.quiver.datanode.raft.Shards.createGroup;
import static io.quiver.datanode.raft.Shards.leaderOf;
import static io.quiver.datanode.raft.Shards.newShard;
import static io.quiver.datanode.raft.Shards.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Majority loss: two of three replicas destroyed (stopped, directories deleted), the survivor
 * recreates the group alone from its rows and serves writes and STRONG reads again.
 */
class RecoverAloneTest {
  @TempDir Path root;
  List<TestNode> nodes;

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  @Test
  void theSurvivorOfAMajorityLossServesAgainWithEveryAcknowledgedRowAndNewEntriesAboveItsOldIndex() throws Exception {
    nodes = Shards.startThree(root);
    ShardId shard = newShard();
    createGroup(shard, nodes);
    long lastBefore = 0;
    for (int b = 0; b < 5; b++) {
      WriteOutcome o = write(shard, nodes, "before-" + b, batch(b * 10L, 10, 0), WriteLevel.ALL);
      assertThat(o.status()).as("%s", o).isEqualTo(WriteOutcome.Status.APPLIED);
      lastBefore = o.logIndex();
    }
    // The leader is among the destroyed: the survivor is a follower that never led.
    TestNode leader = leaderOf(shard, nodes);
    TestNode survivor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    for (TestNode n : nodes) {
      if (n != survivor) {
        n.stop();
        deleteTree(n.dir);
      }
    }
    List<TestNode> alone = List.of(survivor);

    ShardGroups.Recovery r = survivor.groups.recoverAlone(shard);

    assertThat(r.keptIndex() + r.reproposed()).as("%s", r).isGreaterThanOrEqualTo(1);
    assertThat(survivor.groups.configuration(shard).voters()).containsExactly(survivor.peer());
    assertThat(survivor.groups.status(shard).orElseThrow().logStartIndex()).isEqualTo(r.keptIndex() + 1);
    WriteOutcome after = write(shard, alone, "after", batch(100, 10, 1), WriteLevel.QUORUM);
    assertThat(after.status()).as("%s", after).isEqualTo(WriteOutcome.Status.APPLIED);
    assertThat(after.logIndex()).isGreaterThan(lastBefore).isGreaterThan(r.keptIndex());
    long readable = survivor.groups.awaitReadable(shard, ReadLevel.STRONG, 0, WAIT)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(readable).isGreaterThanOrEqualTo(after.logIndex());
    var store = survivor.groups.store(shard);
    assertThat(store.countLive()).isEqualTo(60);
    for (long id : List.of(0L, 9L, 10L, 29L, 40L, 49L, 100L, 109L)) {
      assertThat(store.get(PointId.of(id))).as("point %d", id).isPresent();
    }
    // the index the searches use saw the new write after being rebuilt from the kept rows
    assertThat(survivor.recorder.resets.get(shard)).isEqualTo(r.keptIndex());
    assertThat(survivor.recorder.changes.get(shard)).anySatisfy(c -> assertThat(c.logIndex()).isEqualTo(after.logIndex()));

    // A restart reopens the recreated group from its log and snapshot, not the old one.
    survivor.stop();
    survivor.start();
    WriteOutcome restarted = write(shard, alone, "restarted", batch(200, 10, 2), WriteLevel.QUORUM);
    assertThat(restarted.status()).as("%s", restarted).isEqualTo(WriteOutcome.Status.APPLIED);
    assertThat(restarted.logIndex()).isGreaterThan(after.logIndex());
    assertThat(survivor.groups.store(shard).countLive()).isEqualTo(70);
  }

  @Test
  void entriesTheSurvivorHeldInItsLogButHadNotAppliedAreProposedAgainAndAppliedOnce() throws Exception {
    nodes = Shards.startThree(root);
    ShardId shard = newShard();
    createGroup(shard, nodes);
    assertThat(write(shard, nodes, "w-0", batch(0, 10, 0), WriteLevel.ALL).status()).isEqualTo(WriteOutcome.Status.APPLIED);
    TestNode leader = leaderOf(shard, nodes);
    TestNode survivor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    // The survivor's next apply stops after its rows are written: later entries reach its log only.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    survivor.recorder.holdNext(shard, entered, release);
    WriteOutcome last = null;
    for (int b = 1; b <= 4; b++) {
      last = write(shard, nodes, "w-" + b, batch(b * 10L, 10, 0), WriteLevel.QUORUM);
      assertThat(last.status()).as("%s", last).isEqualTo(WriteOutcome.Status.APPLIED);
    }
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    long lastIndex = last.logIndex();
    await().atMost(WAIT).until(() -> survivor.groups.status(shard).orElseThrow().commitIndex() >= lastIndex);
    for (TestNode n : nodes) {
      if (n != survivor) {
        n.stop();
        deleteTree(n.dir);
      }
    }
    // The tail is read at once, while the apply is held; the hold goes before the old division
    // closes, and the entries it then applies come back as duplicates of their request ids.
    Thread releaser = Thread.ofPlatform().start(() -> {
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      release.countDown();
    });

    ShardGroups.Recovery r = survivor.groups.recoverAlone(shard);
    releaser.join();

    assertThat(r.reproposed()).as("%s", r).isEqualTo(3);
    var store = survivor.groups.store(shard);
    assertThat(store.countLive()).isEqualTo(50);
    WriteOutcome after = write(shard, List.of(survivor), "after", batch(100, 10, 1), WriteLevel.QUORUM);
    assertThat(after.status()).as("%s", after).isEqualTo(WriteOutcome.Status.APPLIED);
    assertThat(after.logIndex()).isGreaterThan(lastIndex);
    assertThat(survivor.groups.store(shard).countLive()).isEqualTo(60);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
