package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quiver.client.CollectionDescription;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.DataNodeServer;
import io.quiver.datanode.store.ShardDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable, replicated shards through the whole product: three data nodes, collections with
 * replication factor 3, written and searched through the query node with the SDK while a data
 * node (a shard leader) goes away and comes back, then while every data node restarts.
 */
class ReplicatedShardsTest {
  static final int DIM = 8;
  @TempDir static Path dir;
  static LoopbackCluster cluster;
  static QuiverClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir, 3);
    client = QuiverClient.builder(cluster.endpoint()).deadline(Duration.ofSeconds(15)).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void aLeaderLeavesMidStreamNothingAcknowledgedIsLostAndReplicasConvergeThenAllRestart() {
    long seed = new Random().nextLong();
    System.out.println("ReplicatedShardsTest seed " + seed);
    Random rnd = new Random(seed);
    CollectionInfo info = client.createCollection(
        CollectionSpec.builder("replicated", DIM, Distance.L2).shards(2).replicationFactor(3).build());
    List<ShardId> shards = List.of(new ShardId(UUID.fromString(info.uuid()), 0), new ShardId(UUID.fromString(info.uuid()), 1));

    List<Point> acknowledged = new ArrayList<>();
    long next = 0;
    for (int b = 0; b < 10; b++) {
      next = writeBatch(rnd, next, acknowledged, WriteLevel.QUORUM);
    }
    // Every replica is a Raft member: one leader and two followers per shard.
    CollectionDescription d = client.describeCollection("replicated");
    for (CollectionDescription.Shard s : d.shards()) {
      assertThat(s.replicas()).hasSize(3);
      assertThat(s.replicas()).filteredOn(r -> r.role().equalsIgnoreCase("leader")).as("shard " + s.shard()).hasSize(1);
    }

    // The leader of shard 0 leaves; writes at QUORUM and STRONG reads go on with the other two.
    int leader = leaderOf(shards.get(0));
    cluster.stopDataNode(leader);
    for (int b = 0; b < 10; b++) {
      next = writeBatch(rnd, next, acknowledged, WriteLevel.QUORUM);
    }
    assertThat(client.count("replicated")).isEqualTo(acknowledged.size());
    Point probe = acknowledged.get(rnd.nextInt(acknowledged.size()));
    assertThat(client.search(SearchQuery.builder("replicated", probe.vector()).k(1).exact(true).build()).hits())
        .extracting(h -> h.id()).containsExactly(probe.id());
    assertAllPresent(acknowledged);

    // It comes back on its directory, catches up, and every shard's replicas hold the same rows.
    cluster.startDataNode(leader);
    for (ShardId shard : shards) {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(digests(shard)).hasSize(3).allSatisfy(
          dg -> assertThat(dg.sameRows(digests(shard).get(0))).as("replica digests of " + shard + ": " + digests(shard)).isTrue()));
      assertThat(digests(shard).get(0).liveRows()).isPositive();
    }
    long total = shards.stream().mapToLong(s -> digests(s).get(0).liveRows()).sum();
    assertThat(total).isEqualTo(acknowledged.size());

    // Every data node restarts on its directory: the collection and its points are back.
    for (int n = 1; n <= 3; n++) {
      cluster.stopDataNode(n);
    }
    for (int n = 1; n <= 3; n++) {
      cluster.startDataNode(n);
    }
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
        assertThat(client.count("replicated")).isEqualTo(acknowledged.size()));
    assertAllPresent(acknowledged);
    next = writeBatch(rnd, next, acknowledged, WriteLevel.ALL);
    assertThat(client.count("replicated")).isEqualTo(acknowledged.size());
  }

  @Test
  void sessionReadsSeeTheSessionsOwnWrites() {
    client.createCollection(CollectionSpec.builder("session", DIM, Distance.L2).shards(2).replicationFactor(3).build());
    try (QuiverClient session = QuiverClient.builder(cluster.endpoint()).deadline(Duration.ofSeconds(15))
        .readLevel(ReadLevel.SESSION).build()) {
      Random rnd = new Random(7);
      for (int i = 0; i < 30; i++) {
        Point p = point(rnd, i);
        session.upsert("session", List.of(p));
        // Any replica may answer a SESSION read, but only once it has applied the session's write.
        assertThat(session.get("session", List.of(p.id()), true, false)).as("own write " + i).hasSize(1);
        assertThat(session.count("session")).isEqualTo(i + 1);
      }
    }
  }

  static long writeBatch(Random rnd, long first, List<Point> acknowledged, WriteLevel level) {
    List<Point> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(point(rnd, first + i));
    }
    assertThat(client.upsert("replicated", batch, level).affected()).isEqualTo(batch.size());
    acknowledged.addAll(batch);
    return first + batch.size();
  }

  static Point point(Random rnd, long id) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) v[j] = rnd.nextFloat();
    return new Point(PointId.of(id), v, Map.of("batch", id / 20), null);
  }

  static void assertAllPresent(List<Point> acknowledged) {
    List<PointId> ids = acknowledged.stream().map(Point::id).toList();
    for (int i = 0; i < ids.size(); i += 100) {
      List<PointId> part = ids.subList(i, Math.min(ids.size(), i + 100));
      assertThat(client.get("replicated", part, true, false)).extracting(r -> r.id()).containsExactlyInAnyOrderElementsOf(part);
    }
  }

  /** The number of the data node leading {@code shard}. */
  static int leaderOf(ShardId shard) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (int n = 1; n <= cluster.dataNodeCount(); n++) {
        DataNodeServer dn = cluster.dataNode(n);
        if (dn != null && dn.groups().status(shard).map(s -> s.role().equals("LEADER")).orElse(false)) {
          return n;
        }
      }
      return 0;
    }, n -> n > 0);
  }

  /** The digest of every running replica of {@code shard}. */
  static List<ShardDigest> digests(ShardId shard) {
    List<ShardDigest> out = new ArrayList<>();
    for (int n = 1; n <= cluster.dataNodeCount(); n++) {
      DataNodeServer dn = cluster.dataNode(n);
      if (dn != null && dn.groups().hostedShards().contains(shard)) {
        out.add(dn.groups().store(shard).digest());
      }
    }
    return out;
  }
}
