package io.quiver.querynode.points;

import io.grpc.Deadline;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Limits;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.internal.ShardReadLevel;
import io.quiver.proto.v1.internal.ShardSearchRequest;
import io.quiver.proto.v1.internal.ShardSearchResponse;
import io.quiver.querynode.routing.Route;
import io.quiver.querynode.routing.ShardCalls;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One search: validated, sent to one replica per shard in parallel with {@code k' =
 * ceil((offset + k) * overfetch)}, merged best-first with ties by id, then cut by score threshold,
 * offset and k. A shard with no answering replica fails the search (UNAVAILABLE naming it) unless
 * the request allows partial results.
 */
final class SearchPath {
  static final float MAX_OVERFETCH = 10f;

  private record Hit(ScoredPoint key, io.quiver.proto.v1.ScoredPoint proto) {}

  private final ShardCalls calls;
  private final ExecutorService executor;

  SearchPath(ShardCalls calls, ExecutorService executor) {
    this.calls = calls;
    this.executor = executor;
  }

  SearchResponse search(Route route, SearchRequest req, float[] vector, Deadline deadline) {
    long start = System.nanoTime();
    int k = req.getK();
    int want = (int) Math.min(Limits.MAX_K, Math.ceil((double) (req.getOffset() + k) * overfetch(req)));
    ShardSearchRequest.Builder base = ShardSearchRequest.newBuilder()
        .setVector(WireVectors.toProto(vector))
        .setK(want)
        .setFilter(req.getFilter())
        .setEf(req.getParams().getEf())
        .setExact(req.getParams().getExact())
        .setWithPayload(req.getWithPayload())
        .setWithVector(req.getWithVector())
        .setRead(ShardReadLevel.newBuilder().setConsistency(req.getRead().getConsistency()));
    List<Future<ShardSearchResponse>> answers = new ArrayList<>(route.shardCount());
    for (int s = 0; s < route.shardCount(); s++) {
      ShardSearchRequest shardReq = base.setShard(route.ref(s)).build();
      int shard = s;
      answers.add(executor.submit(() -> calls.read(route, shard, deadline, stub -> stub.shardSearch(shardReq))));
    }
    SearchResponse.Builder out = SearchResponse.newBuilder();
    ConsistencyToken.Builder token = ConsistencyToken.newBuilder().setCollectionUuid(route.entry().uuid().toString());
    List<Hit> hits = new ArrayList<>();
    for (int s = 0; s < answers.size(); s++) {
      ShardSearchResponse r;
      try {
        r = answers.get(s).get();
      } catch (ExecutionException | InterruptedException e) {
        QuiverException q = GrpcErrors.toQuiver(e);
        if (q.code() == ErrorCode.UNAVAILABLE && req.getRead().getAllowPartial()) {
          out.setPartial(true).addMissingShards(s);
          continue;
        }
        throw q;
      }
      token.addPositions(ShardPosition.newBuilder().setShard(s).setIndex(r.getAppliedIndex()));
      for (io.quiver.proto.v1.ScoredPoint p : r.getHitsList()) {
        hits.add(new Hit(new ScoredPoint(WireValues.pointId("hit.id", p.getId()), p.getScore()), p));
      }
    }
    hits.sort((a, b) -> ScoredPoint.BEST_FIRST.compare(a.key(), b.key()));
    Set<Object> ids = new HashSet<>();
    int skipped = 0;
    for (Hit h : hits) {
      if (out.getHitsCount() >= k) {
        break;
      }
      if (req.hasScoreThreshold() && h.key().score() < req.getScoreThreshold()) {
        break; // best-first: every later hit scores lower still
      }
      if (!ids.add(h.key().id())) {
        continue;
      }
      if (skipped < req.getOffset()) {
        skipped++;
        continue;
      }
      out.addHits(h.proto());
    }
    return out.setToken(token).setTookMicros((System.nanoTime() - start) / 1_000).build();
  }

  private static double overfetch(SearchRequest req) {
    float f = req.getParams().getOverfetch();
    if (f == 0f) {
      return 1.0;
    }
    if (!(f >= 1f && f <= MAX_OVERFETCH)) {
      throw QuiverException.invalid("params.overfetch must be in 1.." + MAX_OVERFETCH + " but was " + f);
    }
    return f;
  }
}
