package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.CollectionSpec;
import io.quiver.client.Hit;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** siftsmall through the SDK against a cluster of separate roles: exact search finds the ground truth. */
class SiftSmallRecallTest {
  @TempDir static Path dir;
  static LoopbackCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir, 2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void exactSearchHasRecallOneOnAllHundredQueries() throws Exception {
    SiftSmall sift = SiftSmall.require();
    List<float[]> base = sift.baseVectors();
    List<float[]> queries = sift.queryVectors();
    List<int[]> truth = sift.truth();
    assertThat(base).hasSize(10_000);
    assertThat(queries).hasSize(100);

    try (QuiverClient client = QuiverClient.connect(cluster.endpoint())) {
      client.createCollection(CollectionSpec.builder("siftsmall", 128, Distance.L2).shards(4).build());
      assertThat(client.upsert("siftsmall", ClusterAcceptanceTest.numbered(base)).affected()).isEqualTo(10_000);
      assertThat(client.count("siftsmall")).isEqualTo(10_000);

      int found = 0;
      List<String> firstMisses = new ArrayList<>();
      for (int q = 0; q < queries.size(); q++) {
        List<Hit> hits = client.search(SearchQuery.builder("siftsmall", queries.get(q)).k(10).exact(true).build()).hits();
        assertThat(hits).hasSize(10);
        Set<PointId> expected = new HashSet<>();
        for (int i = 0; i < 10; i++) {
          expected.add(PointId.of(truth.get(q)[i]));
        }
        for (Hit h : hits) {
          if (expected.contains(h.id())) found++;
        }
        if (!hits.get(0).id().equals(PointId.of(truth.get(q)[0]))) {
          firstMisses.add("query " + q + ": got " + hits.get(0).id() + ", ground truth " + truth.get(q)[0]);
        }
      }
      double recall = found / 1000.0;
      System.out.println("siftsmall exact recall@10 = " + recall);
      assertThat(firstMisses).as("queries whose first hit is not the ground-truth nearest").isEmpty();
      assertThat(recall).as("recall@10 over 100 queries").isEqualTo(1.0);
    }
  }
}
