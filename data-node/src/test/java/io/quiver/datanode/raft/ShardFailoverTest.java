package io.quiver.datanode.raft;

import static io.quiver.datanode.raft.Shards.awaitApplied;
import static io.quiver.datanode.raft.Shards.batch;
import static io.quiver.datanode.raft.Shards.createGroup;
import static io.quiver.datanode.raft.Shards.leaderOf;
import static io.quiver.datanode.raft.Shards.newShard;
import static io.quiver.datanode.raft.Shards.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.PointId;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.ShardOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader loss, a replica restarted on its directories, and a shard that lost its majority. */
class ShardFailoverTest {
  @TempDir Path root;
  List<TestNode> nodes;

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  @Test
  void aNewLeaderTakesOverLosingNothingAcknowledgedAndARestartedReplicaCatchesUp() throws Exception {
    nodes = Shards.startThree(root);
    ShardId shard = newShard();
    createGroup(shard, nodes);
    List<Long> acknowledged = new ArrayList<>();
    for (int b = 0; b < 5; b++) {
      assertThat(write(shard, nodes, "before-" + b, batch(b * 10L, 10, 0), WriteLevel.QUORUM).status())
          .isEqualTo(WriteOutcome.Status.APPLIED);
      acknowledged.add(b * 10L);
    }
    TestNode old = leaderOf(shard, nodes);
    old.stop();

    long last = 0;
    for (int b = 5; b < 10; b++) {
      WriteOutcome o = write(shard, nodes, "after-" + b, batch(b * 10L, 10, 0), WriteLevel.QUORUM);
      assertThat(o.status()).as("%s", o).isEqualTo(WriteOutcome.Status.APPLIED);
      acknowledged.add(b * 10L);
      last = o.logIndex();
    }
    WriteOutcome del = write(shard, nodes, "del", new ShardOp.Delete(List.of(PointId.of(0))), WriteLevel.QUORUM);
    assertThat(leaderOf(shard, nodes)).isNotSameAs(old);

    old.start(); // same directories and port: RocksDB state plus log replay, then catch-up
    awaitApplied(old, shard, del.logIndex());
    for (TestNode n : nodes) {
      awaitApplied(n, shard, del.logIndex());
      var store = n.groups.store(shard);
      assertThat(store.countLive()).as("replica %s", n.id).isEqualTo(99);
      for (long first : acknowledged) {
        assertThat(store.get(PointId.of(first + 9))).as("point %d on %s", first + 9, n.id).isPresent();
      }
      assertThat(store.get(PointId.of(0))).isEmpty();
      assertThat(store.digest().sameRows(nodes.get(0).groups.store(shard).digest())).isTrue();
    }
    // the restarted replica rebuilt its index view from the store, then followed the log
    assertThat(old.recorder.resets.get(shard)).isGreaterThan(0L).isLessThanOrEqualTo(last);
  }

  @Test
  void aWriteToAShardWithoutAMajorityEndsWithinItsDeadline() throws Exception {
    nodes = List.of(new TestNode("x", root, TestNode.SETTINGS).start(),
        new TestNode("y", root, TestNode.SETTINGS).start(),
        new TestNode("z", root, TestNode.SETTINGS).start());
    ShardId shard = newShard();
    createGroup(shard, nodes);
    write(shard, nodes, "ok", batch(0, 1, 0), WriteLevel.QUORUM);
    TestNode leader = leaderOf(shard, nodes);
    nodes.stream().filter(n -> n != leader).forEach(TestNode::stop);

    WriteOutcome o = leader.groups.write(shard, "lost", batch(1, 1, 0), WriteLevel.QUORUM, Duration.ofSeconds(3))
        .get(30, TimeUnit.SECONDS);
    assertThat(o.status()).as("%s", o).isIn(WriteOutcome.Status.UNKNOWN, WriteOutcome.Status.FAILED);
    assertThat(o.message()).contains(shard.toString());
  }
}
