package io.quiver.bench.system;

import io.quiver.client.CollectionSpec;
import io.quiver.client.Hit;
import io.quiver.client.HybridQuery;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.server.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Search quality on BEIR SciFact through the whole system: every role in this JVM
 * ({@link LocalCluster}: ZooKeeper, a coordinator, data nodes, a query node), the corpus loaded
 * and searched with the SDK, nDCG@10 over the 300 test queries for BM25 alone (a text-only hybrid
 * search), the vector alone (a plain search, HNSW at the collection's default ef) and the two
 * fused (RRF, k = 60, equal weights: the product's defaults). Embeds nothing: the vectors are
 * scifact-minilm's. Run with {@code bench/run-scifact.sh [--shards N] [--replicas R] [--data-nodes D]}.
 */
public final class SciFactBenchmark {
  /** nDCG@10 of the three ways to search. */
  public record Figures(double bm25, double vector, double hybrid) {}

  private SciFactBenchmark() {}

  /** Creates {@code collection} and loads the corpus: point {@code i} is row {@code i}, its text title + " " + abstract. */
  public static void load(QuiverClient client, String collection, SciFact data, int shards, int replicas) {
    client.createCollection(CollectionSpec.builder(collection, data.docVectors()[0].length, Distance.COSINE)
        .shards(shards).replicationFactor(replicas).build());
    List<Point> points = new ArrayList<>(data.docIds().size());
    for (int i = 0; i < data.docIds().size(); i++) {
      points.add(new Point(PointId.of(i), data.docVectors()[i], Map.of("doc", data.docIds().get(i)), data.docTexts().get(i)));
    }
    client.upsert(collection, points);
  }

  /** nDCG@10 of BM25, vector and hybrid searches of every test query. */
  public static Figures evaluate(QuiverClient client, String collection, SciFact data) {
    double bm25 = mean(data, q -> client.hybridSearch(HybridQuery.builder(collection).text(data.queryTexts().get(q))
        .k(10).withPayload(false).build()).hits());
    double vector = mean(data, q -> client.search(SearchQuery.builder(collection, data.queryVectors()[q])
        .k(10).withPayload(false).build()).hits());
    double hybrid = mean(data, q -> client.hybridSearch(HybridQuery.builder(collection).text(data.queryTexts().get(q))
        .vector(data.queryVectors()[q]).k(10).withPayload(false).build()).hits());
    return new Figures(bm25, vector, hybrid);
  }

  private static double mean(SciFact data, IntFunction<List<Hit>> search) {
    double sum = 0;
    int n = data.queryIds().size();
    for (int q = 0; q < n; q++) {
      List<String> ranked = new ArrayList<>(10);
      for (Hit h : search.apply(q)) {
        ranked.add(data.docIds().get((int) ((PointId.Num) h.id()).value()));
      }
      sum += data.ndcgAt10(q, ranked);
    }
    return sum / n;
  }

  public static void main(String[] args) throws Exception {
    Flags a = Flags.parse(args, Map.of("--shards", "3", "--replicas", "1", "--data-nodes", "3"));
    int shards = a.integer("--shards");
    int replicas = a.integer("--replicas");
    int dataNodes = a.integer("--data-nodes");
    SciFact data = SciFact.load();
    Path dir = Files.createTempDirectory("quiver-scifact");
    System.out.printf("SciFact: %d docs, %d test queries; %d data nodes, %d shards x RF %d%n",
        data.docIds().size(), data.queryIds().size(), dataNodes, shards, replicas);
    try (LocalCluster cluster = LocalCluster.start(dir, 0, dataNodes);
        QuiverClient client = QuiverClient.connect(cluster.endpoint())) {
      long t0 = System.nanoTime();
      load(client, "scifact", data, shards, replicas);
      System.out.printf("loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      Figures f = evaluate(client, "scifact", data);
      System.out.printf("nDCG@10  BM25 %.4f  vector %.4f  hybrid (RRF k=60) %.4f%n", f.bm25(), f.vector(), f.hybrid());
    } finally {
      Flags.deleteTree(dir);
    }
  }
}
