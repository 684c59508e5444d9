package io.quiver.client.cli;

import io.quiver.client.Hit;
import io.quiver.client.HybridQuery;
import io.quiver.client.QuiverClient;
import io.quiver.client.SearchQuery;
import io.quiver.client.SearchResult;
import io.quiver.client.files.VecsReader;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code quiver search}: nearest neighbours of a vector given inline or as a row of an .fvecs file;
 * with {@code --text}, a hybrid search (BM25 over the points' text, fused with the vector search
 * when a vector is given too).
 */
@Command(name = "search", description = "Find the nearest neighbours of a vector; with --text, a keyword or hybrid search.",
    mixinStandardHelpOptions = true)
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-c", "--collection"}, required = true, description = "Collection name.")
  String collection;

  /** Exactly one way to give the query vector. */
  static final class Query {
    @Option(names = "--vector", paramLabel = "'[x,y,..]'", required = true, description = "The query vector.")
    String vector;

    @ArgGroup(exclusive = false, multiplicity = "1")
    FvecsRow fvecs;
  }

  /** A row of an .fvecs file. */
  static final class FvecsRow {
    @Option(names = "--fvecs", paramLabel = "FILE.fvecs", required = true, description = "Take the query from this file...")
    Path file;

    @Option(names = "--row", paramLabel = "N", defaultValue = "0", description = "...at this row, from 0 (default 0).")
    long row;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Query query;

  @Option(names = "--text", description = "BM25 query text: alone a keyword search, with a vector a hybrid one.")
  String text;

  @Option(names = "--fusion", description = "With --text and a vector: RRF (default) or WEIGHTED_SUM.")
  HybridQuery.Fusion fusion;

  @Option(names = "--text-weight", description = "With --text: weight of the keyword list (default 1).")
  float textWeight;

  @Option(names = "--vector-weight", description = "With --text: weight of the vector list (default 1).")
  float vectorWeight;

  @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Hits to return, 1..10000 (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--filter", description = "e.g. 'category == \"news\" and year >= 2020'.")
  String filter;

  @Option(names = "--exact", description = "Scan every point instead of the graph: exact results.")
  boolean exact;

  @Option(names = "--ef", description = "HNSW candidate list for this search (default: the collection's).")
  int ef;

  @Option(names = "--offset", description = "Skip this many best hits.")
  int offset;

  @Option(names = "--score-threshold", description = "Leave out hits scoring below this.")
  Float scoreThreshold;

  @Option(names = "--with-payload", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Return payloads (default true; --no-with-payload to skip).")
  boolean withPayload;

  @Option(names = "--with-vector", description = "Return the hits' vectors.")
  boolean withVector;

  @Option(names = "--consistency", description = "STRONG (default), SESSION or EVENTUAL.")
  ReadLevel consistency;

  @Override
  public Integer call() throws IOException {
    boolean hybrid = text != null;
    if (query == null && !hybrid) {
      throw new ParameterException(spec.commandLine(), "give a query: --vector, --fvecs or --text");
    }
    if (hybrid && text.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--text is empty");
    }
    if (hybrid && (offset != 0 || scoreThreshold != null)) {
      throw new ParameterException(spec.commandLine(), "--offset and --score-threshold apply to vector searches, not with --text");
    }
    float[] vector = query == null ? null : query.vector != null ? parseVector(query.vector) : readRow(query.fvecs);
    SearchResult r;
    try (QuiverClient c = client.connect()) {
      r = hybrid ? c.hybridSearch(hybridQuery(vector)) : c.search(vectorQuery(vector));
    }
    Output out = new Output(spec.commandLine().getOut());
    if (client.json) {
      Map<String, Object> j = new LinkedHashMap<>();
      List<Object> hits = new ArrayList<>();
      for (Hit h : r.hits()) {
        Map<String, Object> hj = new LinkedHashMap<>();
        hj.put("id", jsonId(h.id()));
        hj.put("score", h.score());
        if (withPayload) {
          hj.put("payload", h.payload());
        }
        if (h.text() != null) {
          hj.put("text", h.text());
        }
        if (h.vector() != null) {
          hj.put("vector", h.vector());
        }
        hits.add(hj);
      }
      j.put("hits", hits);
      j.put("partial", r.partial());
      j.put("took_micros", r.tookMicros());
      out.json(j);
    } else {
      List<List<String>> rows = new ArrayList<>();
      int rank = offset + 1;
      for (Hit h : r.hits()) {
        List<String> row = new ArrayList<>(List.of(String.valueOf(rank++), h.id().toString(), String.valueOf(h.score())));
        if (withPayload) {
          row.add(h.payload().isEmpty() ? "" : Output.compact(h.payload()));
        }
        if (withVector) {
          row.add(vectorString(h.vector()));
        }
        rows.add(row);
      }
      List<String> headers = new ArrayList<>(List.of("RANK", "ID", "SCORE"));
      if (withPayload) {
        headers.add("PAYLOAD");
      }
      if (withVector) {
        headers.add("VECTOR");
      }
      out.table(headers, rows);
      if (r.partial()) {
        out.line("partial: shards " + r.missingShards() + " did not answer");
      }
    }
    return 0;
  }

  private SearchQuery vectorQuery(float[] vector) {
    SearchQuery.Builder q = SearchQuery.builder(collection, vector)
        .k(k).filter(filter).exact(exact).ef(ef).offset(offset)
        .withPayload(withPayload).withVector(withVector).readLevel(consistency);
    if (scoreThreshold != null) {
      q.scoreThreshold(scoreThreshold);
    }
    return q.build();
  }

  private HybridQuery hybridQuery(float[] vector) {
    return HybridQuery.builder(collection).text(text).vector(vector).k(k).filter(filter).exact(exact).ef(ef)
        .fusion(fusion).textWeight(textWeight).vectorWeight(vectorWeight)
        .withPayload(withPayload).withVector(withVector).readLevel(consistency).build();
  }

  private float[] readRow(FvecsRow f) throws IOException {
    try {
      return VecsReader.fvecsRow(f.file, f.row);
    } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
      throw new ParameterException(spec.commandLine(), "--fvecs: " + e.getMessage());
    }
  }

  /** Parses {@code [1, 2.5, -3]} (brackets optional). */
  float[] parseVector(String s) {
    String t = s.trim();
    if (t.startsWith("[")) {
      t = t.substring(1);
    }
    if (t.endsWith("]")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--vector is empty: give numbers like '[0.1, 0.2]'");
    }
    String[] parts = t.split("[,\\s]+");
    List<Float> values = new ArrayList<>();
    for (String p : parts) {
      if (p.isEmpty()) {
        continue;
      }
      try {
        values.add(Float.parseFloat(p));
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), "--vector value '" + p + "' is not a number");
      }
    }
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
    }
    return v;
  }

  /** Numbers as JSON numbers (unsigned), UUIDs as strings. */
  static Object jsonId(PointId id) {
    return id instanceof PointId.Num n && n.value() >= 0 ? (Object) n.value() : id.toString();
  }

  static String vectorString(float[] v) {
    if (v == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(v[i]);
    }
    return b.append(']').toString();
  }
}
