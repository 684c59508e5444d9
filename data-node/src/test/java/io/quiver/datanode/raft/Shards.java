package io.quiver.datanode.raft;

import static org.awaitility.Awaitility.await;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.ShardOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Test helpers: groups over test nodes, a retrying client, points. */
final class Shards {
  static final int DIM = 8;
  static final CollectionConfig CONFIG = new CollectionConfig(DIM, Distance.L2, 1, 3, null, null, null, null);
  static final Duration WAIT = Duration.ofSeconds(60);

  private Shards() {}

  static ShardId newShard() {
    return new ShardId(UUID.randomUUID(), 0);
  }

  static void createGroup(ShardId shard, List<TestNode> nodes) {
    List<ShardPeer> voters = nodes.stream().map(TestNode::peer).toList();
    for (TestNode n : nodes) {
      n.groups.ensureReplica(shard, CONFIG, voters, List.of());
    }
  }

  /** Data nodes "a", "b" and "c" under {@code root}, started with the test settings. */
  static List<TestNode> startThree(java.nio.file.Path root) {
    return List.of(new TestNode("a", root, TestNode.SETTINGS).start(),
        new TestNode("b", root, TestNode.SETTINGS).start(),
        new TestNode("c", root, TestNode.SETTINGS).start());
  }

  static TestNode leaderOf(ShardId shard, List<TestNode> nodes) {
    TestNode[] found = new TestNode[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (TestNode n : nodes) {
        if (n.groups != null && n.groups.status(shard).map(s -> s.role().equals("LEADER")).orElse(false)) {
          found[0] = n;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /**
   * What a client does: send to the leader, on NOT_LEADER or UNKNOWN retry with the same request
   * id until APPLIED or a refusal. Returns the final outcome.
   */
  static WriteOutcome write(ShardId shard, List<TestNode> nodes, String requestId, ShardOp op, WriteLevel level)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    WriteOutcome last = null;
    while (System.nanoTime() < deadline) {
      TestNode leader = leaderOf(shard, nodes);
      last = leader.groups.write(shard, requestId, op, level, Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
      boolean retry = last.status() == WriteOutcome.Status.UNKNOWN
          || (last.status() == WriteOutcome.Status.FAILED && last.code().retryable());
      if (!retry) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no definite outcome within " + WAIT + ", last " + last);
  }

  /** Waits until the replica on {@code n} has applied {@code index}. */
  static void awaitApplied(TestNode n, ShardId shard, long index) throws Exception {
    n.groups.awaitReadable(shard, ReadLevel.SESSION, index, WAIT).get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  static Point point(long id, long group) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = id * 0.5f + i;
    }
    return new Point(PointId.of(id), v, Map.of("group", group, "name", "p" + id), null);
  }

  static ShardOp.Upsert batch(long firstId, int n, long group) {
    List<Point> points = new ArrayList<>();
    for (long i = firstId; i < firstId + n; i++) {
      points.add(point(i, group));
    }
    return new ShardOp.Upsert(points);
  }
}
