package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.client.CollectionDescription;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.Hit;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.client.filter.FilterParser;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2's acceptance: ZooKeeper, a coordinator, two data nodes and a query node, each a
 * separate component on loopback; a 4-shard collection is created, filled, searched and dropped
 * through the SDK.
 */
class ClusterAcceptanceTest {
  @TempDir static Path dir;
  static LoopbackCluster cluster;
  static QuiverClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir, 2);
    client = QuiverClient.connect(cluster.endpoint());
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void createUpsertSearchDropAFourShardCollection() {
    long seed = new Random().nextLong();
    System.out.println("ClusterAcceptanceTest seed " + seed);
    Random rnd = new Random(seed);
    int dim = 16;
    CollectionInfo info = client.createCollection(CollectionSpec.builder("acceptance", dim, Distance.L2).shards(4).build());
    assertThat(info.config().shardCount()).isEqualTo(4);
    assertThat(client.listCollections()).extracting(CollectionInfo::name).contains("acceptance");

    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      float[] v = new float[dim];
      for (int j = 0; j < dim; j++) v[j] = rnd.nextFloat();
      points.add(new Point(PointId.of(i), v, Map.of("parity", i % 2 == 0 ? "even" : "odd", "i", (long) i), null));
    }
    assertThat(client.upsert("acceptance", points).affected()).isEqualTo(500);

    CollectionDescription d = client.describeCollection("acceptance");
    assertThat(d.points()).isEqualTo(500);
    assertThat(d.shards()).hasSize(4);
    assertThat(d.shards().stream().flatMap(s -> s.replicas().stream()).map(CollectionDescription.Replica::nodeId).distinct())
        .as("shards spread over both data nodes").hasSize(2);
    assertThat(client.count("acceptance")).isEqualTo(500);

    float[] q = points.get(123).vector();
    List<Hit> hits = client.search(SearchQuery.builder("acceptance", q).k(10).exact(true).withPayload(true).build()).hits();
    assertThat(hits).hasSize(10);
    assertThat(hits).extracting(Hit::id).containsExactlyElementsOf(bruteForce(points, q, 10, p -> true));
    assertThat(hits.get(0).id()).isEqualTo(PointId.of(123));
    assertThat(hits.get(0).payload()).containsEntry("parity", "odd").containsEntry("i", 123L);

    List<Hit> even = client.search(SearchQuery.builder("acceptance", q).k(5).exact(true)
        .filter("parity == \"even\" and i < 250").readLevel(ReadLevel.SESSION).build()).hits();
    assertThat(even).extracting(Hit::id).containsExactlyElementsOf(
        bruteForce(points, q, 5, p -> ((PointId.Num) p.id()).value() % 2 == 0 && ((PointId.Num) p.id()).value() < 250));
    assertThat(client.count("acceptance", FilterParser.parse("parity == \"even\""))).isEqualTo(250);

    assertThat(client.get("acceptance", List.of(PointId.of(7), PointId.of(9999)), true, true))
        .singleElement()
        .satisfies(p -> assertThat(p.vector()).containsExactly(points.get(7).vector()));

    assertThat(client.delete("acceptance", List.of(PointId.of(123))).affected()).isEqualTo(1);
    assertThat(client.search(SearchQuery.builder("acceptance", q).k(1).exact(true).build()).hits().get(0).id())
        .isNotEqualTo(PointId.of(123));

    client.dropCollection("acceptance");
    assertThat(client.listCollections()).extracting(CollectionInfo::name).doesNotContain("acceptance");
    assertThatThrownBy(() -> client.search(SearchQuery.builder("acceptance", q).build()))
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  private static List<PointId> bruteForce(List<Point> points, float[] q, int k, java.util.function.Predicate<Point> keep) {
    return points.stream()
        .filter(keep)
        .sorted(Comparator.comparingDouble((Point p) -> l2(p.vector(), q)).thenComparing(Point::id))
        .limit(k)
        .map(Point::id)
        .toList();
  }

  static double l2(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      float d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  static List<Point> numbered(List<float[]> vectors) {
    return IntStream.range(0, vectors.size()).mapToObj(i -> new Point(PointId.of(i), vectors.get(i))).toList();
  }
}
