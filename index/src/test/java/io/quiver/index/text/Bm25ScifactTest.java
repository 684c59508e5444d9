package io.quiver.index.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.dataset.TestData;
import io.quiver.index.engine.EngineConfig;
import io.quiver.index.engine.ShardEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BM25 on BEIR SciFact through the shard engine: nDCG@10 on the 300 test queries. Published BM25
 * (Elasticsearch, with stemming) is 0.665; without a stemmer a little less is expected.
 */
class Bm25ScifactTest {
  @Test
  void ndcgAt10IsCloseToPublishedBm25() throws IOException {
    Path corpus = TestData.require("scifact/corpus.jsonl");
    Path queries = TestData.require("scifact/queries.jsonl");
    Path qrels = TestData.require("scifact/qrels/test.tsv");
    ObjectMapper json = new ObjectMapper();
    List<Point> points = new ArrayList<>();
    Map<String, PointId> idOf = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(corpus)) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode d = json.readTree(line);
        PointId id = PointId.of(points.size());
        idOf.put(d.get("_id").asText(), id);
        points.add(new Point(id, new float[] {1}, Map.of(), d.get("title").asText() + " " + d.get("text").asText()));
      }
    }
    Map<String, String> queryText = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(queries)) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode q = json.readTree(line);
        queryText.put(q.get("_id").asText(), q.get("text").asText());
      }
    }
    Map<String, Map<PointId, Integer>> judged = new HashMap<>();
    for (String line : Files.readAllLines(qrels)) {
      String[] f = line.split("\t");
      if (f.length < 3 || f[0].equals("query-id")) {
        continue;
      }
      judged.computeIfAbsent(f[0], k -> new HashMap<>()).put(idOf.get(f[1]), Integer.parseInt(f[2].trim()));
    }
    // Small segments so statistics must be combined across several of them.
    try (ShardEngine engine = new ShardEngine(EngineConfig.defaults(1, Distance.DOT).withSegmentMaxPoints(2000))) {
      engine.upsert(points, 1);
      double sum = 0;
      for (var e : judged.entrySet()) {
        List<ScoredPoint> hits = engine.searchText(queryText.get(e.getKey()), 10, null);
        sum += ndcg(hits, e.getValue());
      }
      double ndcg = sum / judged.size();
      System.out.printf("scifact BM25 nDCG@10 = %.4f over %d queries%n", ndcg, judged.size());
      assertThat(ndcg).isGreaterThanOrEqualTo(0.67);
    }
  }

  private static double ndcg(List<ScoredPoint> hits, Map<PointId, Integer> rel) {
    double dcg = 0;
    for (int i = 0; i < hits.size(); i++) {
      int g = rel.getOrDefault(hits.get(i).id(), 0);
      dcg += (Math.pow(2, g) - 1) / (Math.log(i + 2) / Math.log(2));
    }
    List<Integer> ideal = new ArrayList<>(rel.values());
    ideal.sort((a, b) -> b - a);
    double idcg = 0;
    for (int i = 0; i < Math.min(10, ideal.size()); i++) {
      idcg += (Math.pow(2, ideal.get(i)) - 1) / (Math.log(i + 2) / Math.log(2));
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }
}
