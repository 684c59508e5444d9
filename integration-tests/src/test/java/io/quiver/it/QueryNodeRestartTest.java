package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.CollectionSpec;
import io.quiver.client.Hit;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a query node restart loses nothing. Query nodes hold no data and no catalog of their
 * own, so a fresh one answers every search as its predecessor did and takes writes at once.
 */
class QueryNodeRestartTest {
  @TempDir Path dir;

  @Test
  void aFreshQueryNodeAnswersAsTheOldOneDid() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("QueryNodeRestartTest seed " + seed);
    Random rnd = new Random(seed);
    int dim = 8;
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < 10; q++) {
      queries.add(vector(rnd, dim));
    }
    try (LoopbackCluster cluster = new LoopbackCluster(dir, 2)) {
      List<List<PointId>> before = new ArrayList<>();
      try (QuiverClient client = connect(cluster)) {
        client.createCollection(CollectionSpec.builder("restart", dim, Distance.L2).shards(3).build());
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          points.add(new Point(PointId.of(i), vector(rnd, dim), Map.of("n", (long) i), null));
        }
        client.upsert("restart", points);
        for (float[] q : queries) {
          before.add(ids(client.search(SearchQuery.builder("restart", q).k(10).exact(true).build()).hits()));
        }
      }

      String oldEndpoint = cluster.endpoint();
      cluster.restartQueryNode();
      assertThat(cluster.endpoint()).isNotEqualTo(oldEndpoint);

      try (QuiverClient client = connect(cluster)) {
        assertThat(client.count("restart")).isEqualTo(500);
        for (int q = 0; q < queries.size(); q++) {
          assertThat(ids(client.search(SearchQuery.builder("restart", queries.get(q)).k(10).exact(true).build()).hits()))
              .as("query %d after the restart", q)
              .isEqualTo(before.get(q));
        }
        client.upsert("restart", List.of(new Point(PointId.of(10_000), queries.get(0), Map.of(), null)));
        assertThat(client.search(SearchQuery.builder("restart", queries.get(0)).k(1).exact(true).build()).hits())
            .extracting(Hit::id)
            .containsExactly(PointId.of(10_000));
      }
    }
  }

  /** A generous deadline: a new collection's Raft groups elect their leaders on a busy 2-core machine. */
  private static QuiverClient connect(LoopbackCluster cluster) {
    return QuiverClient.builder(cluster.endpoint()).deadline(Duration.ofSeconds(60)).build();
  }

  private static float[] vector(Random rnd, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = rnd.nextFloat();
    }
    return v;
  }

  private static List<PointId> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }
}
