package io.quiver.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.shard.NodeId;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.CollectionConfig;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DescribeCollectionResponse;
import io.quiver.proto.v1.Distance;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.ListCollectionsRequest;
import io.quiver.proto.v1.RebalanceRequest;
import io.quiver.proto.v1.ReplicaInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coordinators against a real ZooKeeper and real data nodes, spoken to over gRPC on loopback. */
class CoordinatorServerTest {
  @TempDir Path dir;
  TestingServer zk;
  ZkSettings settings;
  final List<AutoCloseable> open = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    settings = ZkSettings.of(zk.getConnectString());
  }

  @AfterEach
  void stop() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    zk.close();
  }

  @Test
  void oneLeadsTheOtherRedirectsAndTakesOverWithANewEpoch() {
    CoordinatorServer a = coordinator("ca");
    await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
    CoordinatorServer b = coordinator("cb");
    assertThat(a.epoch()).isEqualTo(1);
    assertThat(b.isLeader()).isFalse();

    assertCode(() -> collections(b).list(ListCollectionsRequest.getDefaultInstance()),
        Status.Code.UNAVAILABLE, "coordinator cb is not the leader; the leader is ca at " + a.address());

    a.close();
    open.remove(a);
    await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
    assertThat(b.epoch()).isEqualTo(2);
    assertThat(admin(b).clusterStatus(ClusterStatusRequest.getDefaultInstance()).getCoordinatorLeader()).isEqualTo("cb");
  }

  @Test
  void aDeposedLeaderCannotWrite() throws Exception {
    dataNode("dn1");
    CoordinatorServer a = coordinator("ca");
    await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
    ZkPaths paths = settings.paths();
    try (CuratorFramework other = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      other.start();
      // What a newly elected coordinator does first: bump the epoch.
      other.setData().forPath(paths.epoch(), "2".getBytes(StandardCharsets.UTF_8));
      assertCode(() -> create(a, "late", 1, 1), Status.Code.FAILED_PRECONDITION, "coordinator epoch 1 is no longer current");
      assertThat(other.checkExists().forPath(paths.collection("late"))).isNull();
    }
  }

  @Test
  void catalogCreateListDescribeDrop() throws Exception {
    DataNodeServer dn1 = dataNode("dn1");
    dataNode("dn2");
    CoordinatorServer c = coordinator("c1");
    await().atMost(Duration.ofSeconds(20)).until(c::isLeader);

    var created = create(c, "docs", 4, 2).getCollection();
    assertThat(UUID.fromString(created.getUuid())).isNotNull();
    assertThat(created.getConfig().getShardCount()).isEqualTo(4);
    assertThat(created.getConfig().getHnsw().getM()).isEqualTo(16); // defaults filled in
    create(c, "alpha", 1, 1);
    assertCode(() -> create(c, "docs", 1, 1), Status.Code.ALREADY_EXISTS, "collection 'docs' already exists");
    assertCode(() -> create(c, "wide", 1, 3), Status.Code.FAILED_PRECONDITION,
        "replication_factor 3 needs 3 live data nodes but 2 are live");
    assertCode(() -> create(c, "bad name!", 1, 1), Status.Code.INVALID_ARGUMENT, "name 'bad name!'");
    assertThat(collections(c).list(ListCollectionsRequest.getDefaultInstance()).getCollectionsList())
        .extracting(i -> i.getName()).containsExactly("alpha", "docs");

    // Two nodes and two replicas: every shard on both nodes; the data nodes pick the placement up.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(describe(c, "docs").getShardsList())
        .allSatisfy(s -> assertThat(s.getReplicasList()).extracting(ReplicaInfo::getLive).containsExactly(true, true)));
    DescribeCollectionResponse d = describe(c, "docs");
    assertThat(d.getShardsList()).allSatisfy(s -> assertThat(s.getReplicasList())
        .extracting(ReplicaInfo::getNodeId).containsExactlyInAnyOrder("dn1", "dn2"));
    assertThat(d.getPoints()).isZero();

    ClusterStatusResponse status = admin(c).clusterStatus(ClusterStatusRequest.getDefaultInstance());
    assertThat(status.getNodesList()).extracting(n -> n.getNodeId()).containsExactly("dn1", "dn2");
    // 4 of docs on each node + 1 of alpha on one of them
    assertThat(status.getNodes(0).getReplicas() + status.getNodes(1).getReplicas()).isEqualTo(9);
    assertThat(status.getCollections()).isEqualTo(2);
    // Placed on the ring at create: nothing to move.
    assertThat(admin(c).rebalancePlan(RebalanceRequest.getDefaultInstance()).getMovesList()).isEmpty();

    // A data node that is gone shows its replicas as not live.
    dn1.close();
    open.remove(dn1);
    assertThat(describe(c, "docs").getShards(0).getReplicasList())
        .extracting(ReplicaInfo::getLive).containsExactlyInAnyOrder(false, true);

    collections(c).drop(DropCollectionRequest.newBuilder().setName("docs").build());
    assertThat(zkClientExists(settings.paths().dropped(UUID.fromString(created.getUuid())))).isTrue();
    assertCode(() -> describe(c, "docs"), Status.Code.NOT_FOUND, "collection 'docs' does not exist");
    assertCode(() -> collections(c).drop(DropCollectionRequest.newBuilder().setName("docs").build()),
        Status.Code.NOT_FOUND, "collection 'docs' does not exist");
  }

  // --- helpers

  boolean zkClientExists(String path) throws Exception {
    try (CuratorFramework z = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      z.start();
      return z.checkExists().forPath(path) != null;
    }
  }

  CoordinatorServer coordinator(String id) {
    CoordinatorServer s = CoordinatorServer.start(
        new CoordinatorConfig(new NodeId(id), "127.0.0.1", 0, settings, Duration.ofSeconds(2)));
    open.add(s);
    return s;
  }

  DataNodeServer dataNode(String id) {
    DataNodeServer s = DataNodeServer.start(
        new DataNodeConfig(new NodeId(id), "127.0.0.1", 0, settings, dir.resolve(id), 100, "z"));
    open.add(s);
    return s;
  }

  ManagedChannel channel(CoordinatorServer c) {
    ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext().build();
    channels.add(ch);
    return ch;
  }

  CollectionsGrpc.CollectionsBlockingStub collections(CoordinatorServer c) {
    return CollectionsGrpc.newBlockingStub(channel(c));
  }

  AdminGrpc.AdminBlockingStub admin(CoordinatorServer c) {
    return AdminGrpc.newBlockingStub(channel(c));
  }

  io.quiver.proto.v1.CreateCollectionResponse create(CoordinatorServer c, String name, int shards, int rf) {
    return collections(c).create(CreateCollectionRequest.newBuilder().setName(name).setConfig(CollectionConfig.newBuilder()
        .setDimension(4).setDistance(Distance.L2).setShardCount(shards).setReplicationFactor(rf)).build());
  }

  DescribeCollectionResponse describe(CoordinatorServer c, String name) {
    return collections(c).describe(DescribeCollectionRequest.newBuilder().setName(name).build());
  }

  static void assertCode(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }
}
