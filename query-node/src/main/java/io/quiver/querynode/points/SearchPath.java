package io.quiver.querynode.points;

import io.grpc.Deadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Limits;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.NodeId;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardExplain;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.internal.ShardSearchRequest;
import io.quiver.proto.v1.internal.ShardSearchResponse;
import io.quiver.querynode.routing.Route;
import io.quiver.querynode.scatter.ShardAnswer;
import io.quiver.querynode.scatter.ShardReader;
import io.quiver.querynode.scatter.TopK;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Vector search over a collection: one replica per shard in parallel, each asked for {@code k' =
 * ceil((offset + k) * overfetch)} candidates, merged best-first (ties by id) in a bounded heap,
 * then cut by score threshold, offset and k, or grouped by a payload field. A shard with no
 * answering replica fails the search (UNAVAILABLE naming it) unless the request allows partial
 * results; then the response is flagged partial and names the missing shards.
 */
final class SearchPath {
  static final float MAX_OVERFETCH = 10f;

  /** A merge candidate: the id and score to order by, and the hit to return. */
  record Hit(ScoredPoint key, io.quiver.proto.v1.ScoredPoint proto) {
    static final Comparator<Hit> BEST_FIRST = Comparator.comparing(Hit::key, ScoredPoint.BEST_FIRST);
  }

  private final ShardReader reader;
  private final ExecutorService executor;
  private final Overfetch overfetch;
  private final Counter partials;

  SearchPath(ShardReader reader, ExecutorService executor, Overfetch overfetch, MeterRegistry meters) {
    this.reader = reader;
    this.executor = executor;
    this.overfetch = overfetch;
    this.partials = Counter.builder("quiver.query.partial.results")
        .description("Searches answered without some shards (allow_partial)").register(meters);
  }

  /** A search with its query vector resolved; {@code servedBy} is filled for the query cache. */
  SearchResponse search(Route route, SearchRequest req, float[] vector, Deadline deadline, Map<Integer, NodeId> servedBy) {
    long start = System.nanoTime();
    if (!req.getGroupBy().isEmpty()) {
      return Grouping.search(this, route, req, vector, deadline, servedBy, start);
    }
    int n = req.getOffset() + req.getK();
    Gathered g = gather(route, base(req, vector, want(req, n)), n, threshold(req), req.getRead(), deadline, "vector");
    SearchResponse.Builder out = response(g, req.getExplain());
    List<io.quiver.proto.v1.ScoredPoint> hits = g.bestFirst();
    for (int i = req.getOffset(); i < hits.size(); i++) {
      out.addHits(hits.get(i));
    }
    servedBy.putAll(g.servedBy());
    return out.setTookMicros((System.nanoTime() - start) / 1_000).build();
  }

  /** The shard request of a vector search, shard and read level left to {@link #gather}. */
  ShardSearchRequest.Builder base(SearchRequest req, float[] vector, int want) {
    return ShardSearchRequest.newBuilder()
        .setVector(WireVectors.toProto(vector))
        .setK(want)
        .setFilter(req.getFilter())
        .setEf(req.getParams().getEf())
        .setExact(req.getParams().getExact())
        .setWithPayload(req.getWithPayload())
        .setWithVector(req.getWithVector())
        .setExplain(req.getExplain());
  }

  /** Candidates to ask of each shard for {@code n} results: {@code ceil(n * overfetch)}, at most MAX_K. */
  int want(SearchRequest req, int n) {
    double f = overfetch.factor(req.getParams());
    return (int) Math.min(Limits.MAX_K, Math.ceil(n * f));
  }

  /**
   * Sends {@code base} to one replica of every shard and keeps the best {@code keep} of all
   * answers (dropping hits below {@code threshold} when given). {@code list} names the ranking
   * in explain entries.
   */
  Gathered gather(Route route, ShardSearchRequest.Builder base, int keep, Float threshold, ReadOptions read,
      Deadline deadline, String list) {
    List<Future<ShardAnswer<ShardSearchResponse>>> answers = new ArrayList<>(route.shardCount());
    for (int s = 0; s < route.shardCount(); s++) {
      ShardSearchRequest shardReq = base.setShard(route.ref(s)).setRead(ReadLevels.forShard(read, s)).build();
      int shard = s;
      answers.add(executor.submit(() -> reader.read(route, shard, deadline, stub -> stub.shardSearch(shardReq))));
    }
    TopK<Hit> top = new TopK<>(keep, Hit.BEST_FIRST);
    List<ShardPosition> positions = new ArrayList<>();
    Map<Integer, NodeId> servedBy = new TreeMap<>();
    List<Integer> missing = new ArrayList<>();
    List<ShardExplain> explain = new ArrayList<>();
    boolean full = false;
    for (int s = 0; s < answers.size(); s++) {
      ShardAnswer<ShardSearchResponse> a;
      try {
        a = answers.get(s).get();
      } catch (ExecutionException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        QuiverException q = GrpcErrors.toQuiver(e);
        if ((q.code() == ErrorCode.UNAVAILABLE || q.code() == ErrorCode.DEADLINE_EXCEEDED) && read.getAllowPartial()) {
          missing.add(s);
          continue;
        }
        answers.forEach(f -> f.cancel(true));
        throw q;
      }
      ShardSearchResponse r = a.value();
      positions.add(ShardPosition.newBuilder().setShard(s).setGeneration(r.getGeneration()).setIndex(r.getAppliedIndex()).build());
      servedBy.put(s, a.node());
      full |= r.getHitsCount() >= base.getK();
      explain.add(ShardExplain.newBuilder().setShard(s).setNodeId(a.node().value()).setPath(r.getPath())
          .setCandidates(r.getCandidates()).setMicros(r.getMicros()).setHedged(a.hedged())
          .setRequested(base.getK()).setAttempts(a.attempts()).setRoundTripMicros(a.roundTripMicros())
          .setList(list).build());
      for (io.quiver.proto.v1.ScoredPoint p : r.getHitsList()) {
        if (threshold != null && p.getScore() < threshold) {
          break; // best-first: every later hit of this shard scores lower still
        }
        top.offer(new Hit(new ScoredPoint(WireValues.pointId("hit.id", p.getId()), p.getScore()), p));
      }
    }
    if (!missing.isEmpty()) {
      partials.increment();
    }
    List<io.quiver.proto.v1.ScoredPoint> merged = top.bestFirst().stream().map(Hit::proto).toList();
    return new Gathered(merged, positions, servedBy, missing, explain, full);
  }

  /** A response carrying {@code g}'s token, partial flag and (when asked) explain entries, no hits yet. */
  static SearchResponse.Builder response(Gathered g, boolean explain) {
    SearchResponse.Builder out = SearchResponse.newBuilder();
    out.getTokenBuilder().addAllPositions(g.positions());
    if (!g.missing().isEmpty()) {
      out.setPartial(true).addAllMissingShards(g.missing());
    }
    if (explain) {
      out.addAllExplain(g.explain());
    }
    return out;
  }

  static Float threshold(SearchRequest req) {
    return req.hasScoreThreshold() ? req.getScoreThreshold() : null;
  }

  /**
   * Over-fetch factors: what the request gives, else the configured default for its kind of search.
   * With exact per-shard search any factor >= 1 is exact (a global top-k hit is in its shard's
   * top-k); approximate shards (HNSW, quantized) can miss a neighbour a shard ranks near its k-th,
   * which a modest over-fetch recovers.
   */
  record Overfetch(double exact, double approximate) {
    static final Overfetch DEFAULT = new Overfetch(1.0, 1.5);

    Overfetch {
      if (!(exact >= 1 && exact <= MAX_OVERFETCH) || !(approximate >= 1 && approximate <= MAX_OVERFETCH)) {
        throw new IllegalArgumentException("overfetch factors must be in 1.." + MAX_OVERFETCH + " but were "
            + exact + " and " + approximate);
      }
    }

    double factor(io.quiver.proto.v1.SearchParams params) {
      float f = params.getOverfetch();
      if (f == 0f) {
        return params.getExact() ? exact : approximate;
      }
      if (!(f >= 1f && f <= MAX_OVERFETCH)) {
        throw QuiverException.invalid("params.overfetch must be in 1.." + MAX_OVERFETCH + " but was " + f);
      }
      return f;
    }
  }
}
