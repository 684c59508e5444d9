package io.quiver.querynode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.proto.v1.CollectionConfig;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.Condition;
import io.quiver.proto.v1.CountRequest;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.DeleteRequest;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DescribeCollectionResponse;
import io.quiver.proto.v1.Distance;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.FieldMatch;
import io.quiver.proto.v1.Filter;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.MatchValue;
import io.quiver.proto.v1.PointId;
import io.quiver.proto.v1.PointIdList;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.ScrollResponse;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Value;
import io.quiver.proto.v1.Vector;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.WriteResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vertical slice in one JVM: a real ZooKeeper, a coordinator, two data nodes and a query node
 * on loopback, spoken to through the public gRPC API only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryNodeEndToEndTest {
  static final int DIM = 8;

  @TempDir static Path dir;
  TestingServer zk;
  CoordinatorServer coordinator;
  DataNodeServer dn1;
  DataNodeServer dn2;
  QueryNodeServer query;
  ManagedChannel channel;
  PointsGrpc.PointsBlockingStub points;
  CollectionsGrpc.CollectionsBlockingStub collections;

  @BeforeAll
  void startCluster() throws Exception {
    zk = new TestingServer(true);
    ZkSettings zs = ZkSettings.of(zk.getConnectString());
    coordinator = CoordinatorServer.start(new CoordinatorConfig(new NodeId("c1"), "127.0.0.1", 0, zs, Duration.ofSeconds(2)));
    dn1 = DataNodeServer.start(new DataNodeConfig(new NodeId("dn1"), "127.0.0.1", 0, zs, dir.resolve("dn1"), 100, "z1"));
    dn2 = DataNodeServer.start(new DataNodeConfig(new NodeId("dn2"), "127.0.0.1", 0, zs, dir.resolve("dn2"), 100, "z2"));
    query = QueryNodeServer.start(new QueryNodeConfig(new NodeId("q1"), "127.0.0.1", 0, zs, Duration.ofSeconds(10)));
    query.awaitReady(2, Duration.ofSeconds(30));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", query.port()).usePlaintext().build();
    points = PointsGrpc.newBlockingStub(channel);
    collections = CollectionsGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {query, dn2, dn1, coordinator, zk}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void upsertSearchDeleteDropOnFourShards() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    Random rnd = new Random(seed);
    create("slice", Distance.L2, 4, 1);

    List<float[]> vectors = new ArrayList<>();
    UpsertRequest.Builder up = UpsertRequest.newBuilder().setCollection("slice");
    for (int i = 0; i < 300; i++) {
      float[] v = randomVector(rnd);
      vectors.add(v);
      up.addPoints(point(i, v, i % 3));
    }
    WriteResponse w = points.upsert(up.build());
    assertThat(w.getShardsList()).hasSize(4).allMatch(s -> s.getStatus() == io.quiver.proto.v1.ShardWriteStatus.APPLIED);
    assertThat(w.getAffected()).isEqualTo(300);
    assertThat(points.count(CountRequest.newBuilder().setCollection("slice").build()).getCount()).isEqualTo(300);

    for (int q = 0; q < 20; q++) {
      float[] query = randomVector(rnd);
      SearchResponse r = points.search(SearchRequest.newBuilder()
          .setCollection("slice").setVector(vec(query)).setK(10).build());
      assertThat(ids(r.getHitsList())).isEqualTo(bruteForce(vectors, query, 10, Set.of(), -1));
    }

    // A filter and an offset go through the same merge.
    float[] query = randomVector(rnd);
    SearchResponse filtered = points.search(SearchRequest.newBuilder()
        .setCollection("slice").setVector(vec(query)).setK(5).setOffset(2).setFilter(groupIs(1))
        .setWithPayload(WithPayload.newBuilder().setEnable(true)).build());
    assertThat(ids(filtered.getHitsList())).isEqualTo(bruteForce(vectors, query, 7, Set.of(), 1).subList(2, 7));
    assertThat(filtered.getHits(0).getPayload().getFieldsOrThrow("group").getIntValue()).isEqualTo(1);

    // Get keeps request order and leaves missing ids out; scroll pages through every id once.
    var got = points.get(GetRequest.newBuilder().setCollection("slice")
        .addIds(id(7)).addIds(id(9999)).addIds(id(3)).setWithVector(true).build());
    assertThat(got.getPointsList()).extracting(p -> p.getId().getNum()).containsExactly(7L, 3L);
    assertThat(got.getPoints(0).getVector().getValuesList()).hasSize(DIM);
    Set<Long> scrolled = new HashSet<>();
    ScrollRequest.Builder page = ScrollRequest.newBuilder().setCollection("slice").setLimit(64);
    while (true) {
      ScrollResponse s = points.scroll(page.build());
      s.getPointsList().forEach(p -> assertThat(scrolled.add(p.getId().getNum())).isTrue());
      if (!s.hasNextOffset()) {
        break;
      }
      page.setOffset(s.getNextOffset());
    }
    assertThat(scrolled).hasSize(300);

    // Delete by ids, then by filter.
    WriteResponse del = points.delete(DeleteRequest.newBuilder().setCollection("slice")
        .setIds(PointIdList.newBuilder().addIds(id(0)).addIds(id(1)).addIds(id(123456))).build());
    assertThat(del.getAffected()).isEqualTo(2);
    points.delete(DeleteRequest.newBuilder().setCollection("slice").setFilter(groupIs(2)).build());
    long left = 300 - 100 - 2; // group 2 is ids 2, 5, ..., 299; ids 0 and 1 are in groups 0 and 1
    assertThat(points.count(CountRequest.newBuilder().setCollection("slice").build()).getCount()).isEqualTo(left);
    SearchResponse after = points.search(SearchRequest.newBuilder()
        .setCollection("slice").setVector(vec(query)).setK(10).build());
    Set<Integer> gone = new HashSet<>(List.of(0, 1));
    for (int i = 0; i < 300; i++) {
      if (i % 3 == 2) {
        gone.add(i);
      }
    }
    assertThat(ids(after.getHitsList())).isEqualTo(bruteForce(vectors, query, 10, gone, -1));

    DescribeCollectionResponse d = collections.describe(DescribeCollectionRequest.newBuilder().setName("slice").build());
    assertThat(d.getShardsList()).hasSize(4);
    assertThat(d.getPoints()).isEqualTo(left);

    collections.drop(DropCollectionRequest.newBuilder().setName("slice").build());
    assertCode(() -> points.search(SearchRequest.newBuilder().setCollection("slice").setVector(vec(query)).setK(1).build()),
        Status.Code.NOT_FOUND, "collection 'slice' does not exist");
  }

  @Test
  void cosineScoresAreSimilarities() {
    create("cos", Distance.COSINE, 2, 2);
    points.upsert(UpsertRequest.newBuilder().setCollection("cos")
        .addPoints(point(1, new float[] {3, 0, 0, 0, 0, 0, 0, 0}, 0))
        .addPoints(point(2, new float[] {0, 5, 0, 0, 0, 0, 0, 0}, 0)).build());
    SearchResponse r = points.search(SearchRequest.newBuilder().setCollection("cos")
        .setVector(vec(new float[] {2, 0, 0, 0, 0, 0, 0, 0})).setK(2).build());
    assertThat(r.getHitsList()).extracting(h -> h.getId().getNum()).containsExactly(1L, 2L);
    assertThat(r.getHits(0).getScore()).isEqualTo(1.0f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(r.getHits(1).getScore()).isEqualTo(0.0f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    create("strict", Distance.DOT, 2, 1);
    float[] ok = new float[DIM];
    assertCode(() -> upsert(point(1, new float[DIM - 1], 0)), Status.Code.INVALID_ARGUMENT,
        "points[0].vector has 7 values but the collection's dimension is 8");
    float[] nan = ok.clone();
    nan[3] = Float.NaN;
    assertCode(() -> upsert(point(1, ok, 0), point(2, nan, 0)), Status.Code.INVALID_ARGUMENT, "points[1].vector[3] is NaN");
    float[] inf = ok.clone();
    inf[5] = Float.POSITIVE_INFINITY;
    assertCode(() -> upsert(point(1, inf, 0)), Status.Code.INVALID_ARGUMENT, "points[0].vector[5] is Infinity");
    assertCode(() -> upsert(PointStruct.newBuilder().setVector(vec(ok)).build()), Status.Code.INVALID_ARGUMENT,
        "points[0].id is empty");
    assertCode(() -> upsert(point(1, ok, 0), point(2, ok, 0), point(1, ok, 0)), Status.Code.INVALID_ARGUMENT,
        "points[2].id 1 repeats points[0].id");
    assertCode(() -> points.upsert(UpsertRequest.newBuilder().setCollection("strict").build()),
        Status.Code.INVALID_ARGUMENT, "points has 0 points");
    assertCode(() -> search("strict", 0), Status.Code.INVALID_ARGUMENT, "k must be in 1..10000 but was 0");
    assertCode(() -> search("strict", 10_001), Status.Code.INVALID_ARGUMENT, "k must be in 1..10000 but was 10001");
    assertCode(() -> points.search(SearchRequest.newBuilder().setCollection("strict").setVector(vec(new float[3])).setK(1).build()),
        Status.Code.INVALID_ARGUMENT, "vector has 3 values but the collection's dimension is 8");
    assertCode(() -> search("nope", 1), Status.Code.NOT_FOUND, "collection 'nope' does not exist");
    assertCode(() -> points.upsert(UpsertRequest.newBuilder().setCollection("nope").addPoints(point(1, ok, 0)).build()),
        Status.Code.NOT_FOUND, "collection 'nope' does not exist");
    // Nothing above reached a shard.
    assertThat(points.count(CountRequest.newBuilder().setCollection("strict").build()).getCount()).isZero();
  }

  @Test
  void collectionsAreProxiedToTheLeader() {
    create("dup", Distance.L2, 1, 1);
    assertCode(() -> create("dup", Distance.L2, 1, 1), Status.Code.ALREADY_EXISTS, "collection 'dup' already exists");
    assertCode(() -> create("wide", Distance.L2, 1, 3), Status.Code.FAILED_PRECONDITION,
        "replication_factor 3 needs 3 live data nodes but 2 are live");
    assertCode(() -> collections.drop(DropCollectionRequest.newBuilder().setName("never").build()),
        Status.Code.NOT_FOUND, "collection 'never' does not exist");
  }

  // --- helpers

  void create(String name, Distance distance, int shards, int rf) {
    collections.create(CreateCollectionRequest.newBuilder().setName(name).setConfig(CollectionConfig.newBuilder()
        .setDimension(DIM).setDistance(distance).setShardCount(shards).setReplicationFactor(rf)).build());
  }

  void upsert(PointStruct... ps) {
    points.upsert(UpsertRequest.newBuilder().setCollection("strict").addAllPoints(List.of(ps)).build());
  }

  void search(String collection, int k) {
    points.search(SearchRequest.newBuilder().setCollection(collection).setVector(vec(new float[DIM])).setK(k).build());
  }

  static void assertCode(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(message);
        });
  }

  /** Ids of the best k by L2 (score -||q-v||^2), ties by id; group -1 means no filter. */
  static List<Long> bruteForce(List<float[]> vectors, float[] q, int k, Set<Integer> gone, int group) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      if (!gone.contains(i) && (group < 0 || i % 3 == group)) {
        ids.add(i);
      }
    }
    ids.sort(Comparator.<Integer>comparingDouble(i -> l2(q, vectors.get(i))).thenComparing(i -> i));
    return ids.subList(0, Math.min(k, ids.size())).stream().map(Integer::longValue).toList();
  }

  static float l2(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      float d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  static List<Long> ids(List<ScoredPoint> hits) {
    return hits.stream().map(h -> h.getId().getNum()).toList();
  }

  static float[] randomVector(Random rnd) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = rnd.nextFloat() * 2 - 1;
    }
    return v;
  }

  static PointStruct point(long id, float[] v, int group) {
    return PointStruct.newBuilder().setId(id(id)).setVector(vec(v))
        .setPayload(Struct.newBuilder().putFields("group", Value.newBuilder().setIntValue(group).build())).build();
  }

  static PointId id(long n) {
    return PointId.newBuilder().setNum(n).build();
  }

  static Vector vec(float[] v) {
    Vector.Builder b = Vector.newBuilder();
    for (float x : v) {
      b.addValues(x);
    }
    return b.build();
  }

  static Filter groupIs(long g) {
    return Filter.newBuilder().addMust(Condition.newBuilder()
        .setMatch(FieldMatch.newBuilder().setKey("group").setValue(MatchValue.newBuilder().setInteger(g)))).build();
  }
}
