package io.quiver.bench.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.index.dataset.Datasets;
import io.quiver.index.dataset.VectorFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BEIR SciFact as the benchmarks use it: the corpus text (title + " " + text, for BM25), the
 * all-MiniLM-L6-v2 vectors of the corpus and of the 300 test queries, and the test judgements.
 * Document {@code i} (point id {@code i}) is row {@code i} of {@code scifact_docids.txt}; query
 * {@code j} is row {@code j} of {@code scifact_testqids.txt}. Nothing is embedded here.
 *
 * @param docIds corpus ids by row
 * @param docTexts title + " " + text by row
 * @param docVectors unit-norm 384-d vectors by row
 * @param queryIds test query ids by row
 * @param queryTexts the claims by row
 * @param queryVectors unit-norm 384-d vectors by row
 * @param qrels per query id, the relevant corpus ids and their grades
 */
public record SciFact(
    List<String> docIds,
    List<String> docTexts,
    float[][] docVectors,
    List<String> queryIds,
    List<String> queryTexts,
    float[][] queryVectors,
    Map<String, Map<String, Integer>> qrels) {

  public SciFact {
    if (docIds.size() != docTexts.size() || docIds.size() != docVectors.length) {
      throw new IllegalArgumentException("docs differ: " + docIds.size() + " ids, " + docTexts.size() + " texts, " + docVectors.length + " vectors");
    }
    if (queryIds.size() != queryTexts.size() || queryIds.size() != queryVectors.length) {
      throw new IllegalArgumentException("queries differ: " + queryIds.size() + " ids, " + queryTexts.size() + " texts, " + queryVectors.length + " vectors");
    }
  }

  /** Reads the shared data set, every file checked against SHA256SUMS. */
  public static SciFact load() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> corpus = new HashMap<>();
    for (JsonNode n : jsonl(json, need("scifact/corpus.jsonl"))) {
      corpus.put(n.get("_id").asText(), n.path("title").asText("") + " " + n.path("text").asText(""));
    }
    Map<String, String> claims = new HashMap<>();
    for (JsonNode n : jsonl(json, need("scifact/queries.jsonl"))) {
      claims.put(n.get("_id").asText(), n.get("text").asText());
    }
    List<String> docIds = lines(need("scifact-minilm/scifact_docids.txt"));
    List<String> queryIds = lines(need("scifact-minilm/scifact_testqids.txt"));
    List<String> docTexts = docIds.stream().map(id -> required(corpus, id, "corpus")).toList();
    List<String> queryTexts = queryIds.stream().map(id -> required(claims, id, "queries")).toList();
    Map<String, Map<String, Integer>> qrels = new HashMap<>();
    List<String> rows = lines(need("scifact/qrels/test.tsv"));
    for (String row : rows.subList(1, rows.size())) { // header: query-id corpus-id score
      String[] f = row.split("\t");
      qrels.computeIfAbsent(f[0], q -> new HashMap<>()).put(f[1], Integer.parseInt(f[2].trim()));
    }
    return new SciFact(docIds, docTexts, VectorFiles.readFvecs(need("scifact-minilm/scifact_minilm_docs.fvecs")),
        queryIds, queryTexts, VectorFiles.readFvecs(need("scifact-minilm/scifact_minilm_testqueries.fvecs")), qrels);
  }

  /** nDCG@10 of one query's ranking (corpus ids, best first) against its judgements. */
  public double ndcgAt10(int query, List<String> ranked) {
    Map<String, Integer> rel = qrels.getOrDefault(queryIds.get(query), Map.of());
    double dcg = 0;
    for (int i = 0; i < Math.min(10, ranked.size()); i++) {
      dcg += gain(rel.getOrDefault(ranked.get(i), 0), i);
    }
    List<Integer> ideal = rel.values().stream().sorted((a, b) -> b - a).toList();
    double idcg = 0;
    for (int i = 0; i < Math.min(10, ideal.size()); i++) {
      idcg += gain(ideal.get(i), i);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /** trec_eval's form, as BEIR reports: gain = grade, discount = log2(rank + 1). */
  private static double gain(int grade, int zeroBasedRank) {
    return grade / (Math.log(zeroBasedRank + 2) / Math.log(2));
  }

  private static String required(Map<String, String> m, String id, String file) {
    String v = m.get(id);
    if (v == null) {
      throw new IllegalStateException("id " + id + " is missing from " + file);
    }
    return v;
  }

  private static List<String> lines(Path p) throws IOException {
    return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
  }

  private static List<JsonNode> jsonl(ObjectMapper json, Path p) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(p)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(json.readTree(line));
        }
      }
    }
    return out;
  }

  private static Path need(String f) throws IOException {
    return Datasets.file(f).orElseThrow(() -> new IOException(f + " not found; set -Dquiver.datasets"));
  }
}
