package io.quiver.querynode;

import static io.quiver.querynode.QueryNodeEndToEndTest.assertCode;
import static io.quiver.querynode.QueryNodeEndToEndTest.id;
import static io.quiver.querynode.QueryNodeEndToEndTest.vec;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
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
import io.quiver.proto.v1.Distance;
import io.quiver.proto.v1.FieldList;
import io.quiver.proto.v1.FieldMatch;
import io.quiver.proto.v1.Filter;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.MatchValue;
import io.quiver.proto.v1.PointGroup;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.ScrollResponse;
import io.quiver.proto.v1.SearchBatchRequest;
import io.quiver.proto.v1.SearchParams;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Value;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.WriteResponse;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path on a real cluster in one JVM: ZooKeeper, a coordinator, three data nodes and two
 * query nodes on loopback. Sharded equals unsharded on real SciFact MiniLM vectors (exact top-10
 * identical for every query; HNSW recall@10 >= 0.95), search
 * features, the query cache across query nodes, ops endpoints, and — last, since it closes a data
 * node — searches that keep answering while a replica they are using goes away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadPathEndToEndTest {
  /** All of scifact-minilm: the corpus and the 300 test queries. */
  static final int DOCS = 5_183;
  static final int QUERIES = 300;

  @TempDir static Path dir;
  TestingServer zk;
  CoordinatorServer coordinator;
  List<DataNodeServer> dataNodes = new ArrayList<>();
  QueryNodeServer q1;
  QueryNodeServer q2;
  ManagedChannel c1;
  ManagedChannel c2;
  PointsGrpc.PointsBlockingStub points1;
  PointsGrpc.PointsBlockingStub points2;
  CollectionsGrpc.CollectionsBlockingStub collections;
  List<float[]> docs;
  List<float[]> queries;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    docs = fvecs("scifact_minilm_docs.fvecs", DOCS);
    queries = fvecs("scifact_minilm_testqueries.fvecs", QUERIES);
    zk = new TestingServer(true);
    ZkSettings zs = ZkSettings.of(zk.getConnectString());
    coordinator = CoordinatorServer.start(new CoordinatorConfig(new NodeId("c1"), "127.0.0.1", 0, zs, Duration.ofSeconds(2)));
    for (int i = 1; i <= 3; i++) {
      dataNodes.add(DataNodeServer.start(new DataNodeConfig(new NodeId("dn" + i), "127.0.0.1", 0, zs, dir.resolve("dn" + i), 100, "z" + i)));
    }
    q1 = QueryNodeServer.start(new QueryNodeConfig(new NodeId("q1"), "127.0.0.1", 0, zs, Duration.ofSeconds(10)));
    q2 = QueryNodeServer.start(new QueryNodeConfig(new NodeId("q2"), "127.0.0.1", 0, zs, Duration.ofSeconds(10)));
    q1.awaitReady(3, Duration.ofSeconds(30));
    q2.awaitReady(3, Duration.ofSeconds(30));
    c1 = ManagedChannelBuilder.forAddress("127.0.0.1", q1.port()).usePlaintext().build();
    c2 = ManagedChannelBuilder.forAddress("127.0.0.1", q2.port()).usePlaintext().build();
    points1 = PointsGrpc.newBlockingStub(c1);
    points2 = PointsGrpc.newBlockingStub(c2);
    collections = CollectionsGrpc.newBlockingStub(c1);
    create("one", 1, 1);
    create("eight", 8, 2);
    // RF=3 for the data-node loss at the end: a Raft group keeps a majority, and so serves
    // STRONG reads, only while two of its three replicas live (RF=2 loses its majority with one).
    create("three", 4, 3);
    for (String c : List.of("one", "eight", "three")) {
      int count = c.equals("three") ? 1_000 : DOCS;
      for (int from = 0; from < count; from += 1_000) { // 1,000 x 384 floats: well under gRPC's 4 MiB
        UpsertRequest.Builder up = UpsertRequest.newBuilder().setCollection(c);
        for (int i = from; i < Math.min(count, from + 1_000); i++) {
          up.addPoints(point(i, docs.get(i)));
        }
        points1.upsert(up.build());
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (ManagedChannel c : new ManagedChannel[] {c1, c2}) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    List<AutoCloseable> all = new ArrayList<>(List.of(q1, q2));
    all.addAll(dataNodes);
    all.add(coordinator);
    all.add(zk);
    for (AutoCloseable c : all) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void shardedEqualsUnshardedAtExactSearch() {
    // Over-fetch 1.0 (the exact default) suffices: each global top-10 hit is in its shard's top-10.
    for (int q = 0; q < QUERIES; q++) {
      SearchRequest.Builder r = SearchRequest.newBuilder().setVector(vec(queries.get(q))).setK(10)
          .setParams(SearchParams.newBuilder().setExact(true));
      SearchResponse one = points1.search(r.setCollection("one").build());
      SearchResponse eight = points2.search(r.setCollection("eight").build());
      assertThat(ids(eight.getHitsList())).as("query " + q).isEqualTo(ids(one.getHitsList())).hasSize(10);
      assertThat(eight.getToken().getPositionsList()).hasSize(8);
    }
  }

  @Test
  @Order(1)
  void approximateSearchFindsNineteenOfTwentyTrueNeighbours() {
    // Default ef and over-fetch, against the exact top-10 of the unsharded collection.
    int found = 0;
    java.util.Set<String> paths = new java.util.TreeSet<>();
    for (int q = 0; q < QUERIES; q++) {
      SearchRequest.Builder r = SearchRequest.newBuilder().setVector(vec(queries.get(q))).setK(10).setExplain(true);
      List<Long> exact = ids(points1.search(r.clone().setCollection("one")
          .setParams(SearchParams.newBuilder().setExact(true)).build()).getHitsList());
      SearchResponse approximate = points2.search(r.setCollection("eight").build());
      approximate.getExplainList().forEach(e -> paths.add(e.getPath()));
      found += (int) ids(approximate.getHitsList()).stream().filter(exact::contains).count();
    }
    double recall = found / (10.0 * QUERIES);
    // The paths say whether the graph was walked: a shard's growing segment (below the engine's
    // segment size) is scanned exactly, and only sealed segments have a graph.
    System.out.printf("scifact-minilm, %d docs on 8 shards: recall@10 = %.4f over %d queries, paths %s%n", DOCS, recall, QUERIES, paths);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  @Order(2)
  void searchFeatures() {
    float[] q = queries.get(0);
    SearchResponse all = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(40)
        .setWithPayload(WithPayload.newBuilder().setEnable(true)).build());
    List<Long> best = ids(all.getHitsList());

    // Listed payload fields, vector, offset, score threshold.
    SearchResponse page = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(5)
        .setOffset(3).setWithVector(true)
        .setWithPayload(WithPayload.newBuilder().setInclude(FieldList.newBuilder().addFields("topic"))).build());
    assertThat(ids(page.getHitsList())).isEqualTo(best.subList(3, 8));
    assertThat(page.getHits(0).getPayload().getFieldsMap()).containsOnlyKeys("topic");
    assertThat(page.getHits(0).getVector().getValuesCount()).isEqualTo(384);
    float cut = all.getHits(6).getScore();
    SearchResponse above = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(40)
        .setScoreThreshold(cut).build());
    assertThat(above.getHitsList()).allMatch(h -> h.getScore() >= cut).hasSizeBetween(7, 40);

    // More like this: the point's own vector, itself left out.
    long first = best.get(0);
    SearchResponse like = points1.search(SearchRequest.newBuilder().setCollection("eight").setLikeId(id(first)).setK(5).build());
    SearchResponse byVector = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(docs.get((int) first))).setK(6).build());
    assertThat(ids(like.getHitsList())).isEqualTo(ids(byVector.getHitsList()).subList(1, 6));

    // Group by: up to 3 groups of 2, ordered by their best hit, each group's hits best first.
    SearchResponse grouped = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(3)
        .setGroupBy("topic").setGroupSize(2).build());
    assertThat(grouped.getHitsList()).isEmpty();
    assertThat(grouped.getGroupsList()).hasSize(3);
    List<Long> expectedGroupHeads = new ArrayList<>();
    List<Long> seenTopics = new ArrayList<>();
    for (long id : best) {
      long topic = id % 5;
      if (!seenTopics.contains(topic) && seenTopics.size() < 3) {
        seenTopics.add(topic);
        expectedGroupHeads.add(id);
      }
    }
    assertThat(grouped.getGroupsList()).extracting(g -> g.getHits(0).getId().getNum()).isEqualTo(expectedGroupHeads);
    for (PointGroup g : grouped.getGroupsList()) {
      assertThat(g.getHitsList()).hasSize(2).allMatch(h -> h.getId().getNum() % 5 == g.getKey().getIntValue());
      assertThat(g.getHits(0).getPayload().getFieldsCount()).isZero(); // not asked for: stripped
    }
    assertCode(() -> points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(200)
        .setGroupBy("topic").setGroupSize(100).build()), Status.Code.INVALID_ARGUMENT, "k * group_size must be at most 10000");

    // Batch, explain.
    var batch = points1.searchBatch(SearchBatchRequest.newBuilder()
        .addSearches(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(3))
        .addSearches(SearchRequest.newBuilder().setCollection("one").setVector(vec(queries.get(1))).setK(2).setExplain(true)).build());
    assertThat(ids(batch.getResults(0).getHitsList())).isEqualTo(best.subList(0, 3));
    assertThat(batch.getResults(1).getExplainList()).singleElement().satisfies(e -> {
      assertThat(e.getPath()).isEqualTo("hnsw"); // 5,183 points: the graph, not a scan
      assertThat(e.getCandidates()).isPositive();
      assertThat(e.getRequested()).isEqualTo(3); // ceil(2 * 1.5): not exact, so the approximate default applies
      assertThat(e.getAttempts()).isGreaterThanOrEqualTo(1);
      assertThat(e.getList()).isEqualTo("vector");
    });

    // Large k over 8 shards: every point, in order.
    SearchResponse huge = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(10_000).build());
    assertThat(huge.getHitsCount()).isEqualTo(DOCS);
    assertThat(ids(huge.getHitsList()).subList(0, 40)).isEqualTo(best);

    // Count and scroll with a filter across shards: id order, every match once.
    Filter topic2 = Filter.newBuilder().addMust(Condition.newBuilder()
        .setMatch(FieldMatch.newBuilder().setKey("topic").setValue(MatchValue.newBuilder().setInteger(2)))).build();
    assertThat(points2.count(CountRequest.newBuilder().setCollection("eight").setFilter(topic2).build()).getCount()).isEqualTo((DOCS + 2) / 5);
    List<Long> scrolled = new ArrayList<>();
    ScrollRequest.Builder s = ScrollRequest.newBuilder().setCollection("eight").setFilter(topic2).setLimit(7);
    while (true) {
      ScrollResponse r = points2.scroll(s.build());
      r.getPointsList().forEach(p -> scrolled.add(p.getId().getNum()));
      if (!r.hasNextOffset()) {
        break;
      }
      s.setOffset(r.getNextOffset());
    }
    assertThat(scrolled).isSorted().hasSize((DOCS + 2) / 5).allMatch(i -> i % 5 == 2);
  }

  @Test
  @Order(3)
  void hybridFusesAtTheQueryNode() throws Exception {
    float[] q = queries.get(2);
    SearchResponse vectorOnly = points1.hybridSearch(HybridSearchRequest.newBuilder().setCollection("eight")
        .setVector(vec(q)).setK(10).setExplain(true).build());
    SearchResponse plain = points1.search(SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(10).build());
    assertThat(ids(vectorOnly.getHitsList())).isEqualTo(ids(plain.getHitsList()));
    assertThat(vectorOnly.getHits(0).getScore()).isEqualTo(1f / 61, org.assertj.core.data.Offset.offset(1e-7f));
    assertThat(vectorOnly.getFusionList()).singleElement().satisfies(f -> assertThat(f.getCandidates()).isEqualTo(100));

    // Data nodes answer BM25: three points with text among 400 without; text alone finds them by keyword
    // (stems meet: "stem cells" matches "Stem-cell"), fused with the vector both lists count.
    UpsertRequest.Builder texts = UpsertRequest.newBuilder().setCollection("eight");
    String[] abstracts = {"Stem-cell niches in the adult intestine", "Hematopoietic stem cell ageing", "Prion protein in the UK"};
    for (int i = 0; i < abstracts.length; i++) {
      texts.addPoints(point(200_000 + i, docs.get(i)).toBuilder().setText(abstracts[i]));
    }
    points1.upsert(texts.build());
    SearchResponse keyword = points1.hybridSearch(HybridSearchRequest.newBuilder().setCollection("eight")
        .setText("stem cells").setK(10).build());
    assertThat(ids(keyword.getHitsList())).containsExactlyInAnyOrder(200_000L, 200_001L);
    SearchResponse fused = points1.hybridSearch(HybridSearchRequest.newBuilder().setCollection("eight")
        .setText("hematopoietic stem cells").setVector(vec(docs.get(1))).setK(3).setExplain(true).build());
    // 200001 is first by text and second by vector (point 1, the same vector, wins the tie by id).
    assertThat(ids(fused.getHitsList()).get(0)).isEqualTo(200_001L);
    assertThat(fused.getHits(0).getScore()).isEqualTo(1f / 61 + 1f / 62, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(ids(fused.getHitsList())).contains(1L);
    assertThat(fused.getFusionList()).extracting(f -> f.getList()).containsExactly("text", "vector");
    // The same through REST.
    HttpResponse<String> rest = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + q1.httpPort()
        + "/v1/collections/eight/points/hybrid")).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"stem cells\",\"k\":10}"))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).isEqualTo(200);
    assertThat(rest.body()).contains("\"num\":\"200000\"", "\"num\":\"200001\"").doesNotContain("\"num\":\"200002\"");
    points1.delete(io.quiver.proto.v1.DeleteRequest.newBuilder().setCollection("eight").setIds(io.quiver.proto.v1.PointIdList.newBuilder()
        .addIds(id(200_000)).addIds(id(200_001)).addIds(id(200_002))).build());
    assertCode(() -> points1.hybridSearch(HybridSearchRequest.newBuilder().setCollection("eight").setK(10).build()),
        Status.Code.INVALID_ARGUMENT, "text and vector are both empty");
  }

  @Test
  @Order(4)
  void aWriteThroughAnotherQueryNodeInvalidatesTheCache() {
    float[] q = queries.get(3);
    SearchRequest req = SearchRequest.newBuilder().setCollection("eight").setVector(vec(q)).setK(5).build();
    SearchResponse first = points1.search(req);
    SearchResponse again = points1.search(req);
    assertThat(first.getCached()).isFalse();
    assertThat(again.getCached()).isTrue();
    assertThat(again.getHitsList()).isEqualTo(first.getHitsList());

    // q2 writes a point equal to the query: q1 must not answer from its cache.
    WriteResponse w = points2.upsert(UpsertRequest.newBuilder().setCollection("eight").addPoints(point(100_000, q)).build());
    SearchResponse after = points1.search(req);
    assertThat(after.getCached()).isFalse();
    assertThat(after.getHits(0).getId().getNum()).isEqualTo(100_000L);
    assertThat(points1.search(req).getCached()).isTrue();

    // SESSION: the write's token is honoured by whichever replica answers.
    SearchResponse session = points1.search(req.toBuilder().setRead(ReadOptions.newBuilder()
        .setConsistency(ReadConsistency.SESSION).setToken(w.getToken())).build());
    assertThat(session.getHits(0).getId().getNum()).isEqualTo(100_000L);
    points2.delete(io.quiver.proto.v1.DeleteRequest.newBuilder().setCollection("eight")
        .setIds(io.quiver.proto.v1.PointIdList.newBuilder().addIds(id(100_000))).build());
    assertThat(points1.search(req).getHits(0).getId().getNum()).isNotEqualTo(100_000L);
  }

  @Test
  @Order(5)
  void everyRoleServesMetricsAndReadiness() throws Exception {
    List<Integer> ports = new ArrayList<>(List.of(coordinator.httpPort(), q1.httpPort(), q2.httpPort()));
    dataNodes.forEach(d -> ports.add(d.httpPort()));
    for (int port : ports) {
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(port, "/readyz").statusCode()).as("readyz on " + port).isEqualTo(200);
      assertThat(get(port, "/metrics").body()).contains("jvm_memory_used_bytes");
    }
    String metrics = get(q1.httpPort(), "/metrics").body();
    assertThat(metrics).contains("quiver_query_search_latency_seconds_bucket", "quiver_query_fanout_latency_seconds_bucket",
        "quiver_query_cache_lookups_total{", "result=\"hit\"", "quiver_query_hedges_total", "quiver_query_partial_results_total",
        "quiver_query_upserted_points_total");
  }

  @Test
  @Order(100)
  void searchesKeepAnsweringWhileADataNodeTheyUseCloses() throws Exception {
    // RF=3 on three nodes: every shard of "three" keeps a majority when one node goes.
    List<List<Long>> expected = new ArrayList<>();
    for (int q = 0; q < 8; q++) {
      expected.add(ids(points1.search(SearchRequest.newBuilder().setCollection("three").setVector(vec(queries.get(q))).setK(10).build()).getHitsList()));
    }
    CountDownLatch warmedUp = new CountDownLatch(40);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    CountDownLatch closed = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int worker = t;
      workers.add(pool.submit(() -> {
        int after = 0;
        for (int i = 0; after < 30; i++) {
          int q = (worker + i) % 8;
          try {
            // The cache is bypassed (explain) so every search goes to the shards.
            SearchResponse r = points1.search(SearchRequest.newBuilder().setCollection("three").setExplain(true)
                .setVector(vec(queries.get(q))).setK(10).build());
            if (!ids(r.getHitsList()).equals(expected.get(q)) || r.getPartial()) {
              wrong.add("query " + q + ": " + ids(r.getHitsList()));
            }
          } catch (RuntimeException e) {
            failures.add(e);
          }
          warmedUp.countDown();
          if (closed.getCount() == 0) {
            after++;
          }
        }
      }));
    }
    warmedUp.await();
    dataNodes.get(2).close();
    closed.countDown();
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    assertThat(failures).isEmpty();
    assertThat(wrong).isEmpty();
    // Every shard still has a live majority: nothing is missing.
    assertThat(points1.search(SearchRequest.newBuilder().setCollection("three").setVector(vec(queries.get(0))).setK(3).build())
        .getPartial()).isFalse();
  }

  // --- helpers

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  void create(String name, int shards, int rf) {
    collections.create(CreateCollectionRequest.newBuilder().setName(name).setConfig(CollectionConfig.newBuilder()
        .setDimension(384).setDistance(Distance.COSINE).setShardCount(shards).setReplicationFactor(rf)).build());
  }

  static PointStruct point(long id, float[] v) {
    return PointStruct.newBuilder().setId(id(id)).setVector(vec(v))
        .setPayload(Struct.newBuilder().putFields("topic", Value.newBuilder().setIntValue(id % 5).build())
            .putFields("title", Value.newBuilder().setStringValue("doc " + id).build())).build();
  }

  static List<Long> ids(List<ScoredPoint> hits) {
    return hits.stream().map(h -> h.getId().getNum()).toList();
  }

  /** The first {@code n} vectors of an .fvecs file (little-endian int32 dimension, then floats) under quiver.datasets. */
  static List<float[]> fvecs(String file, int n) throws IOException {
    Path p = Path.of(System.getProperty("quiver.datasets", "../../shared/datasets"), "scifact-minilm", file);
    List<float[]> out = new ArrayList<>(n);
    try (DataInputStream in = new DataInputStream(Files.newInputStream(p))) {
      while (out.size() < n) {
        byte[] dim = in.readNBytes(4);
        int d = ByteBuffer.wrap(dim).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteBuffer body = ByteBuffer.wrap(in.readNBytes(4 * d)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[d];
        body.asFloatBuffer().get(v);
        out.add(v);
      }
    }
    return out;
  }
}
