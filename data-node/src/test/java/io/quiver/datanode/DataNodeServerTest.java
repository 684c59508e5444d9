package io.quiver.datanode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.LeaderInfo;
import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.proto.v1.PointId;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.ShardWriteStatus;
import io.quiver.common.shard.ShardId;
import io.quiver.proto.v1.Vector;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.DescribeGroup;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.NodeStatusRequest;
import io.quiver.proto.v1.internal.ShardSearchRequest;
import io.quiver.proto.v1.internal.ShardWriteRequest;
import io.quiver.proto.v1.internal.UpsertOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data node against a real ZooKeeper, its catalog written directly, spoken to over gRPC. */
class DataNodeServerTest {
  @TempDir Path dir;

  @Test
  void hostsWhatIsPlacedHereAndNothingElse() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework z = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      z.start();
      ZkSettings settings = ZkSettings.of(zk.getConnectString());
      ZkPaths paths = settings.paths();
      try (DataNodeServer dn = DataNodeServer.start(
          new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, settings, dir, 50, "zone-a"))) {
        // The lease says where to reach the node and who it is this time.
        NodeLease lease = ClusterJson.lease(z.getData().forPath(paths.node("dn1")));
        assertThat(lease.address()).isEqualTo("127.0.0.1:" + dn.port());
        assertThat(lease.capacity()).isEqualTo(50);
        assertThat(lease.zone()).isEqualTo("zone-a");
        assertThat(lease.incarnation()).isEqualTo(dn.incarnation());
        assertThat(lease.raftAddress()).isEqualTo(dn.raftAddress());
        assertThat(lease.raftPeerId()).startsWith("dn1@");

        // Shard 0 on dn1, shard 1 elsewhere.
        UUID uuid = UUID.randomUUID();
        CatalogEntry entry = new CatalogEntry("c", uuid, CollectionConfig.of(2, Distance.L2).withShards(2, 1), System.currentTimeMillis());
        z.create().creatingParentsIfNeeded().forPath(paths.collection("c"), ClusterJson.catalogEntry(entry));
        z.create().forPath(paths.placement("c"), ClusterJson.placement(new CollectionPlacement(List.of(
            new ShardPlacement(0, List.of(new NodeId("dn1")), List.of()),
            new ShardPlacement(1, List.of(new NodeId("dn9")), List.of())), 0)));

        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", dn.port()).usePlaintext().build();
        try {
          var stub = DataNodeGrpc.newBlockingStub(ch);
          await().atMost(Duration.ofSeconds(20)).until(
              () -> stub.nodeStatus(NodeStatusRequest.getDefaultInstance()).getReplicasCount() == 1);
          // A new group elects its leader within an election timeout: until then the write is refused
          // (FAILED), or UNKNOWN if a leader stepped down with it pending; the same request id is safe to resend.
          ShardWriteRequest req = ShardWriteRequest.newBuilder().setShard(ref(uuid, 0)).setRequestId("w1")
              .setUpsert(UpsertOp.newBuilder().addPoints(point(1, 0, 0)).addPoints(point(2, 3, 4))).build();
          var write = await().atMost(Duration.ofSeconds(30)).until(() -> stub.shardWrite(req),
              r -> !r.getErrorCode().equals("NOT_LEADER"));
          assertThat(write.getStatus()).isEqualTo(ShardWriteStatus.APPLIED);
          assertThat(write.getAppliedIndex()).isPositive();
          assertThat(write.getAffected()).isEqualTo(2);
          var hits = stub.shardSearch(ShardSearchRequest.newBuilder().setShard(ref(uuid, 0))
              .setVector(vec(3, 3)).setK(5).build()).getHitsList();
          assertThat(hits).extracting(h -> h.getId().getNum()).containsExactly(2L, 1L);
          assertThat(hits.get(0).getScore()).isEqualTo(-1f);

          assertNotHosted(() -> stub.shardSearch(ShardSearchRequest.newBuilder().setShard(ref(uuid, 1))
              .setVector(vec(0, 0)).setK(1).build()), "data node dn1 does not host shard " + uuid + "/1");
          // Keyword search runs on the engine's BM25 index; these points have no text.
          var text = stub.shardSearch(ShardSearchRequest.newBuilder().setShard(ref(uuid, 0)).setText("hello").setK(1).build());
          assertThat(text.getPath()).isEqualTo("bm25");
          assertThat(text.getHitsList()).isEmpty();

          // The search answered at an index at least the write's.
          assertThat(stub.shardSearch(ShardSearchRequest.newBuilder().setShard(ref(uuid, 0))
              .setVector(vec(3, 3)).setK(5).build()).getAppliedIndex()).isGreaterThanOrEqualTo(write.getAppliedIndex());
          assertThat(stub.nodeStatus(NodeStatusRequest.getDefaultInstance()).getReplicas(0).getRole()).isEqualTo("leader");

          // Drop: recorded first, then the catalog entry goes; the replica is deleted.
          z.create().creatingParentsIfNeeded().forPath(paths.dropped(uuid));
          z.delete().deletingChildrenIfNeeded().forPath(paths.collection("c"));
          await().atMost(Duration.ofSeconds(20)).until(
              () -> stub.nodeStatus(NodeStatusRequest.getDefaultInstance()).getReplicasCount() == 0);
          assertNotHosted(() -> stub.shardSearch(ShardSearchRequest.newBuilder().setShard(ref(uuid, 0))
              .setVector(vec(0, 0)).setK(1).build()), "does not host shard " + uuid + "/0");
          await().atMost(Duration.ofSeconds(20)).until(() -> dn.groups().hostedShards().isEmpty());
        } finally {
          ch.shutdownNow();
        }
      }
      assertThat(z.checkExists().forPath(paths.node("dn1"))).as("lease gone after close").isNull();
    }
  }

  @Test
  void restartServesItsDataAndAReplicaOfAnUnknownCollectionIsQuarantinedNotDeleted() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework z = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      z.start();
      ZkSettings settings = ZkSettings.of(zk.getConnectString());
      ZkPaths paths = settings.paths();
      DataNodeConfig config = new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, settings, dir, 50, "zone-a");
      UUID uuid = UUID.randomUUID();
      ShardSearchRequest search = ShardSearchRequest.newBuilder().setShard(ref(uuid, 0)).setVector(vec(0, 0)).setK(5).build();
      String raftAddress;
      CatalogEntry entry;
      try (DataNodeServer dn = DataNodeServer.start(config)) {
        raftAddress = dn.raftAddress();
        // Created once the node runs, as a coordinator places collections on nodes that hold leases.
        entry = new CatalogEntry("c", uuid, CollectionConfig.of(2, Distance.L2).withShards(1, 1), System.currentTimeMillis());
        z.create().creatingParentsIfNeeded().forPath(paths.collection("c"), ClusterJson.catalogEntry(entry));
        z.create().forPath(paths.placement("c"), ClusterJson.placement(new CollectionPlacement(List.of(
            new ShardPlacement(0, List.of(new NodeId("dn1")), List.of())), 0)));
        withStub(dn, stub -> {
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> stub.shardWrite(
              ShardWriteRequest.newBuilder().setShard(ref(uuid, 0)).setRequestId("r1")
                  .setUpsert(UpsertOp.newBuilder().addPoints(point(1, 0, 0)).addPoints(point(2, 3, 4))).build())
              .getStatus() == ShardWriteStatus.APPLIED);
        });
      }

      // Same directory: the replica is reopened, at the same Raft address, with its points.
      try (DataNodeServer dn = DataNodeServer.start(config)) {
        assertThat(dn.raftAddress()).isEqualTo(raftAddress);
        withStub(dn, stub -> await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(stub.shardSearch(search).getHitsList()).extracting(h -> h.getId().getNum()).containsExactly(1L, 2L)));
      }

      // The catalog forgets the collection without recording a drop: the replica is kept, not served.
      z.delete().deletingChildrenIfNeeded().forPath(paths.collection("c"));
      try (DataNodeServer dn = DataNodeServer.start(config)) {
        ShardId shard = new ShardId(uuid, 0);
        assertThat(dn.readiness().ready()).isFalse(); // no coordinator leads here; but the check is done:
        assertThat(dn.readiness().problems()).doesNotContain("local replicas not yet checked against the catalog");
        assertThat(dn.groups().hostedShards()).containsExactly(shard);
        assertThat(dn.groups().store(shard).countLive()).isEqualTo(2);
        withStub(dn, stub -> {
          assertThat(stub.nodeStatus(NodeStatusRequest.getDefaultInstance()).getReplicasCount()).isZero();
          assertNotHosted(() -> stub.shardSearch(search), "does not host shard " + uuid + "/0");
          // It comes back: served again, nothing lost.
          z.create().creatingParentsIfNeeded().forPath(paths.collection("c"), ClusterJson.catalogEntry(entry));
          z.create().forPath(paths.placement("c"), ClusterJson.placement(new CollectionPlacement(List.of(
              new ShardPlacement(0, List.of(new NodeId("dn1")), List.of())), 0)));
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
              assertThat(stub.shardSearch(search).getHitsCount()).isEqualTo(2));
        });
      }
    }
  }

  @Test
  void aNodeWhoseDiskIsNewerThanACollectionDoesNotRecreateItsReplicaAsAnEmptyVoter() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework z = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      z.start();
      ZkSettings settings = ZkSettings.of(zk.getConnectString());
      ZkPaths paths = settings.paths();
      // "old" was created an hour ago and names dn1 a voter: dn1 held a replica on a disk that is gone.
      UUID old = UUID.randomUUID();
      z.create().creatingParentsIfNeeded().forPath(paths.collection("old"), ClusterJson.catalogEntry(new CatalogEntry(
          "old", old, CollectionConfig.of(2, Distance.L2).withShards(1, 1), System.currentTimeMillis() - 3_600_000)));
      z.create().forPath(paths.placement("old"), ClusterJson.placement(new CollectionPlacement(List.of(
          new ShardPlacement(0, List.of(new NodeId("dn1")), List.of())), 0)));
      try (DataNodeServer dn = DataNodeServer.start(
          new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, settings, dir, 50, "zone-a"))) {
        // "fresh" is created after dn1's directory was formatted: its replica is made as usual.
        UUID fresh = UUID.randomUUID();
        z.create().forPath(paths.collection("fresh"), ClusterJson.catalogEntry(new CatalogEntry(
            "fresh", fresh, CollectionConfig.of(2, Distance.L2).withShards(1, 1), System.currentTimeMillis())));
        z.create().forPath(paths.placement("fresh"), ClusterJson.placement(new CollectionPlacement(List.of(
            new ShardPlacement(0, List.of(new NodeId("dn1")), List.of())), 0)));
        await().atMost(Duration.ofSeconds(30)).until(() -> dn.groups().hostedShards().contains(new ShardId(fresh, 0)));
        assertThat(dn.groups().hostedShards()).containsExactly(new ShardId(fresh, 0));
        withStub(dn, stub -> assertNotHosted(() -> stub.shardSearch(ShardSearchRequest.newBuilder()
            .setShard(ref(old, 0)).setVector(vec(0, 0)).setK(1).build()), "does not host shard " + old + "/0"));
      }
    }
  }

  @Test
  void aNewLeadersRecordFencesOutTheOldEpochBeforeTheNewLeaderCallsThisNode() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework z = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      z.start();
      ZkSettings settings = ZkSettings.of(zk.getConnectString());
      ZkPaths paths = settings.paths();
      try (DataNodeServer dn = DataNodeServer.start(
          new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, settings, dir, 50, "zone-a"))) {
        withStub(dn, stub -> {
          ReplicaAdminRequest fromEpoch1 = ReplicaAdminRequest.newBuilder().setCoordinatorEpoch(1)
              .setShard(ref(UUID.randomUUID(), 0)).setDescribe(DescribeGroup.getDefaultInstance()).build();
          assertThat(stub.replicaAdmin(fromEpoch1).getHosted()).isFalse();
          // Coordinator c2 takes over in epoch 2 and publishes itself; it has not called dn1.
          z.create().creatingParentsIfNeeded().forPath(paths.leader(),
              ClusterJson.leader(new LeaderInfo("c2", "127.0.0.1:1", 2)));
          await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
              assertThatThrownBy(() -> stub.replicaAdmin(fromEpoch1)).isInstanceOfSatisfying(StatusRuntimeException.class,
                  e -> {
                    assertThat(GrpcErrors.toQuiver(e).code()).isEqualTo(ErrorCode.STALE_EPOCH);
                    assertThat(e.getStatus().getDescription())
                        .isEqualTo("coordinator epoch 1 is older than epoch 2 this node has seen: the sender was deposed");
                  }));
          assertThat(scrape(dn.httpPort())).containsPattern("(?m)^quiver_stale_epoch_refusals_total\\{.*\\} [1-9]");
        });
      }
    }
  }

  static String scrape(int httpPort) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  interface StubUse {
    void accept(DataNodeGrpc.DataNodeBlockingStub stub) throws Exception;
  }

  static void withStub(DataNodeServer dn, StubUse use) throws Exception {
    ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", dn.port()).usePlaintext().build();
    try {
      use.accept(DataNodeGrpc.newBlockingStub(ch));
    } finally {
      ch.shutdownNow();
    }
  }

  static void assertNotHosted(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(GrpcErrors.toQuiver(e).code()).isEqualTo(ErrorCode.SHARD_NOT_HOSTED);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  static ShardRef ref(UUID uuid, int shard) {
    return ShardRef.newBuilder().setCollectionUuid(uuid.toString()).setShard(shard).build();
  }

  static PointStruct point(long id, float x, float y) {
    return PointStruct.newBuilder().setId(PointId.newBuilder().setNum(id)).setVector(vec(x, y)).build();
  }

  static Vector vec(float... v) {
    Vector.Builder b = Vector.newBuilder();
    for (float x : v) {
      b.addValues(x);
    }
    return b.build();
  }
}
