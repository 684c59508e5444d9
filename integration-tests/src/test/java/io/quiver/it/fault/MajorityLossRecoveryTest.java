package io.quiver.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.client.ShardRecovery;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.WriteLevel;
import io.quiver.it.harness.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The majority-loss item of issue 10, with real processes: of three data nodes holding a one-shard
 * RF 3 collection, two are SIGKILLed and their data directories deleted. The shard cannot elect;
 * {@code Admin.RecoverShard} (what {@code quiver admin recover-shard} calls) recreates it from the
 * survivor, and STRONG gets, searches and QUORUM writes succeed again with every point acknowledged
 * at ALL still there. Topping the shard back up is covered in-JVM by {@code RebalanceTest}.
 */
class MajorityLossRecoveryTest {
  static final String COLLECTION = "majority";
  static final int POINTS = 40;

  @Test
  void twoOfThreeReplicasDestroyedRecoverShardServesAgainFromTheSurvivorWithNothingAcknowledgedLost()
      throws Exception {
    Path dir = Path.of("target", "fault-runs", "majority-loss").toAbsolutePath();
    ProcessCluster.Spec spec = ProcessCluster.Spec.of(1, 1, 3, 1);
    try (ProcessCluster cluster = new ProcessCluster(dir, spec).start();
        QuiverClient client = QuiverClient.builder(cluster.queryEndpoint(1)).deadline(Duration.ofSeconds(120)).build()) {
      CollectionInfo info = CrashTest.createWithRetry(client,
          CollectionSpec.builder(COLLECTION, 4, Distance.L2).shards(1).replicationFactor(3).build());
      assertThat(cluster.awaitConverged(Map.of(info.uuid(), 3), Map.of(info.uuid(), 1), Duration.ofSeconds(60)))
          .as("placed and led").isEmpty();
      List<Point> acknowledged = new ArrayList<>();
      for (long id = 0; id < POINTS; id++) {
        acknowledged.add(new Point(PointId.of(id), new float[] {id, 1, 2, 3}, Map.of("n", id), null));
      }
      client.upsert(COLLECTION, acknowledged, WriteLevel.ALL);

      // dn1 survives; it must not lead, so the recovery below is of a real follower.
      int leader = CrashTest.awaitLeader(cluster, info.uuid(), 0);
      int survivor = leader == 1 ? 2 : 1;
      for (int n = 1; n <= 3; n++) {
        if (n != survivor) {
          cluster.dataNode(n).kill();
          deleteTree(dir.resolve("dn" + n));
        }
      }
      String from = "dn" + survivor;

      ShardRecovery r = recoverWhenLeaderless(client, from);
      System.out.println("recover-shard " + COLLECTION + "/0 --from " + from + ": " + r);
      assertThat(r.survivor()).isEqualTo(from);
      assertThat(r.survivorAppliedIndex() + r.reproposed()).isPositive();
      assertThat(r.lastKnownCommitIndex()).as("no other replica answers").isEmpty();
      assertThat(r.dropped()).hasSize(2).doesNotContain(from);

      List<PointId> ids = acknowledged.stream().map(Point::id).toList();
      assertThat(client.get(COLLECTION, ids, true, false)).as("every point acknowledged at ALL").hasSize(POINTS);
      assertThat(client.search(SearchQuery.builder(COLLECTION, new float[] {5, 1, 2, 3}).k(3).build()).hits())
          .as("a STRONG search").isNotEmpty();
      client.upsert(COLLECTION, List.of(new Point(PointId.of(1000), new float[] {9, 9, 9, 9}, Map.of("n", 1000L), null)),
          WriteLevel.QUORUM);
      assertThat(client.get(COLLECTION, List.of(PointId.of(1000)), true, false)).hasSize(1);
      assertThat(client.count(COLLECTION)).isEqualTo(POINTS + 1);
    }
  }

  /** Recovery is refused while the old leader still takes itself for one; it steps down within seconds. */
  private static ShardRecovery recoverWhenLeaderless(QuiverClient client, String from) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.recoverShard(COLLECTION, 0, from, true);
      } catch (QuiverException e) {
        if (e.code() != ErrorCode.FAILED_PRECONDITION || attempt >= 30) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
