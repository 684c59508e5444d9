package io.quiver.querynode.points;

import io.grpc.Deadline;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Limits;
import io.quiver.common.model.PointId;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.FusionInput;
import io.quiver.proto.v1.FusionMethod;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.internal.ShardSearchRequest;
import io.quiver.querynode.hybrid.Fusion;
import io.quiver.querynode.hybrid.Fusion.Candidate;
import io.quiver.querynode.hybrid.Fusion.Fused;
import io.quiver.querynode.hybrid.Fusion.RankedList;
import io.quiver.querynode.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Hybrid search: the keyword (BM25 over the points' text) and vector rankings are each gathered
 * over every shard — in parallel, {@code candidates} deep — and fused by {@link Fusion}. A hit's
 * score is its fused score. BM25 statistics (document frequencies) are per shard, so keyword
 * scores of different shards are close but not identical to a single index's; RRF uses only ranks.
 */
final class HybridPath {
  static final int DEFAULT_CANDIDATES = 100;

  private final SearchPath searches;
  private final ExecutorService executor;

  HybridPath(SearchPath searches, ExecutorService executor) {
    this.searches = searches;
    this.executor = executor;
  }

  SearchResponse search(Route route, HybridSearchRequest req, Deadline deadline) {
    long start = System.nanoTime();
    long k = Integer.toUnsignedLong(req.getK());
    if (k < 1 || k > Limits.MAX_K) {
      throw QuiverException.invalid("k must be in 1.." + Limits.MAX_K + " but was " + k);
    }
    long candidates = req.getCandidates() == 0 ? Math.max(k, DEFAULT_CANDIDATES) : Integer.toUnsignedLong(req.getCandidates());
    if (candidates < k || candidates > Limits.MAX_K) {
      throw QuiverException.invalid("candidates must be in k.." + Limits.MAX_K + " (k = " + k + ") but was " + candidates);
    }
    boolean hasVector = req.hasVector() && req.getVector().getValuesCount() > 0;
    if (req.getText().isBlank() && !hasVector) {
      throw QuiverException.invalid("text and vector are both empty: give text, vector or both");
    }
    float textWeight = weight("text_weight", req.getTextWeight());
    float vectorWeight = weight("vector_weight", req.getVectorWeight());
    int rrfK = req.getRrfK() == 0 ? Fusion.DEFAULT_RRF_K : req.getRrfK();
    io.quiver.common.wire.WireFilters.fromProto(req.getFilter());
    ReadLevels.check(route, req.getRead());
    int n = (int) candidates;

    Future<Gathered> vector = null;
    if (hasVector) {
      float[] v = WireVectors.vector("vector", req.getVector(), route.entry().config().dimension());
      SearchRequest asVector = SearchRequest.newBuilder().setFilter(req.getFilter()).setParams(req.getParams())
          .setWithPayload(req.getWithPayload()).setWithVector(req.getWithVector()).setExplain(req.getExplain()).build();
      ShardSearchRequest.Builder base = searches.base(asVector, v, searches.want(asVector, n));
      vector = executor.submit(() -> searches.gather(route, base, n, null, req.getRead(), deadline, "vector"));
    }
    Future<Gathered> text = null;
    if (!req.getText().isBlank()) {
      ShardSearchRequest.Builder base = ShardSearchRequest.newBuilder().setText(req.getText()).setK(n)
          .setFilter(req.getFilter()).setWithPayload(req.getWithPayload()).setWithVector(req.getWithVector())
          .setExplain(req.getExplain());
      text = executor.submit(() -> searches.gather(route, base, n, null, req.getRead(), deadline, "text"));
    }
    List<Gathered> gathered = new ArrayList<>();
    List<RankedList> lists = new ArrayList<>();
    Map<PointId, ScoredPoint> protos = new HashMap<>();
    if (text != null) {
      Gathered g = await(text, vector);
      gathered.add(g);
      lists.add(ranked("text", textWeight, g, protos));
    }
    if (vector != null) {
      Gathered g = await(vector, null);
      gathered.add(g);
      lists.add(ranked("vector", vectorWeight, g, protos));
    }
    List<Fused> fused = req.getFusion() == FusionMethod.WEIGHTED_SUM
        ? Fusion.weightedSum(lists, (int) k) : Fusion.rrf(lists, rrfK, (int) k);

    SearchResponse.Builder out = SearchResponse.newBuilder();
    for (Fused f : fused) {
      out.addHits(protos.get(f.id()).toBuilder().setScore((float) f.score()));
    }
    merge(out, gathered, req.getExplain());
    if (req.getExplain()) {
      for (RankedList l : lists) {
        out.addFusion(FusionInput.newBuilder().setList(l.name()).setWeight(l.weight())
            .setCandidates(l.bestFirst().size()).setMinScore(l.minScore()).setMaxScore(l.maxScore()));
      }
    }
    return out.setTookMicros((System.nanoTime() - start) / 1_000).build();
  }

  /** Token (the lower index per shard: both lists saw at least that), partial flags and explain of both lists. */
  private static void merge(SearchResponse.Builder out, List<Gathered> gathered, boolean explain) {
    Map<Integer, ShardPosition> positions = new TreeMap<>();
    TreeSet<Integer> missing = new TreeSet<>();
    for (Gathered g : gathered) {
      g.positions().forEach(p -> positions.merge(p.getShard(), p, (a, b) -> a.getIndex() <= b.getIndex() ? a : b));
      missing.addAll(g.missing());
      if (explain) {
        out.addAllExplain(g.explain());
      }
    }
    out.getTokenBuilder().addAllPositions(positions.values());
    if (!missing.isEmpty()) {
      out.setPartial(true).addAllMissingShards(missing);
    }
  }

  private static RankedList ranked(String name, float weight, Gathered g, Map<PointId, ScoredPoint> protos) {
    List<Candidate> c = new ArrayList<>(g.bestFirst().size());
    for (ScoredPoint p : g.bestFirst()) {
      PointId id = WireValues.pointId("hit.id", p.getId());
      c.add(new Candidate(id, p.getScore()));
      protos.putIfAbsent(id, p);
    }
    return new RankedList(name, weight, c);
  }

  private static float weight(String field, float w) {
    if (w == 0f) {
      return 1f;
    }
    if (!(w > 0) || Float.isInfinite(w)) {
      throw QuiverException.invalid(field + " must be a finite value > 0 but was " + w);
    }
    return w;
  }

  private static Gathered await(Future<Gathered> f, Future<Gathered> other) {
    try {
      return f.get();
    } catch (ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (other != null) {
        other.cancel(true);
      }
      throw GrpcErrors.toQuiver(e);
    }
  }
}
