package io.quiver.querynode.points;

import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.Deadlines;
import io.quiver.common.model.Limits;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardRouter;
import io.quiver.common.wire.WireFilters;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.CountRequest;
import io.quiver.proto.v1.CountResponse;
import io.quiver.proto.v1.DeleteRequest;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.GetResponse;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.RetrievedPoint;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.ScrollResponse;
import io.quiver.proto.v1.SearchBatchRequest;
import io.quiver.proto.v1.SearchBatchResponse;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.WriteResponse;
import io.quiver.proto.v1.internal.DeleteFilterOp;
import io.quiver.proto.v1.internal.DeleteIdsOp;
import io.quiver.proto.v1.internal.ShardCountRequest;
import io.quiver.proto.v1.internal.ShardCountResponse;
import io.quiver.proto.v1.internal.ShardGetRequest;
import io.quiver.proto.v1.internal.ShardGetResponse;
import io.quiver.proto.v1.internal.ShardReadLevel;
import io.quiver.proto.v1.internal.ShardScrollRequest;
import io.quiver.proto.v1.internal.ShardScrollResponse;
import io.quiver.proto.v1.internal.ShardWriteRequest;
import io.quiver.proto.v1.internal.UpsertOp;
import io.quiver.proto.v1.ReadOptions;
import com.google.common.util.concurrent.ListenableFuture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.internal.DataNodeGrpc.DataNodeFutureStub;
import io.quiver.querynode.cache.QueryCache;
import io.quiver.querynode.scatter.ShardReader;
import io.quiver.querynode.scatter.TopK;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import io.quiver.querynode.routing.Route;
import io.quiver.querynode.routing.ShardCalls;
import io.quiver.querynode.routing.WritePath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The public Points API: validates, routes by shard, fans out, merges. Reads go to one replica
 * per shard through the {@link ShardReader} (hedged, with fallback); identical searches may be
 * answered by the {@link QueryCache} once every shard confirms its index is unchanged.
 */
public final class PointsService extends PointsGrpc.PointsImplBase {
  static final int DEFAULT_SCROLL_LIMIT = 100;

  private final ClusterWatcher cluster;
  private final ShardReader reader;
  private final QueryCache cache;
  private final WritePath writes;
  private final SearchPath searches;
  private final HybridPath hybrid;
  private final ExecutorService executor;
  private final Duration requestDeadline;
  private final Timer searchLatency;
  private final Timer hybridLatency;
  private final Counter upserted;

  /**
   * @param approximateOverfetch the over-fetch factor of searches that are not exact and give none
   */
  public PointsService(ClusterWatcher cluster, ShardCalls calls, ShardReader reader, QueryCache cache,
      ExecutorService executor, Duration requestDeadline, double approximateOverfetch, MeterRegistry meters) {
    this.cluster = cluster;
    this.reader = reader;
    this.cache = cache;
    this.executor = executor;
    this.requestDeadline = requestDeadline;
    this.writes = new WritePath(calls, executor);
    this.searches = new SearchPath(reader, executor, new SearchPath.Overfetch(1.0, approximateOverfetch), meters);
    this.hybrid = new HybridPath(searches, executor);
    this.searchLatency = latency(meters, "search");
    this.hybridLatency = latency(meters, "hybrid");
    this.upserted = Counter.builder("quiver.query.upserted.points").description("Points upserted through this query node")
        .register(meters);
  }

  private static Timer latency(MeterRegistry meters, String kind) {
    return Timer.builder("quiver.query.search.latency").description("Search latency at the query node, cache hits included")
        .tag("kind", kind).publishPercentileHistogram().register(meters);
  }

  @Override
  public void upsert(UpsertRequest req, StreamObserver<WriteResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    Route route = route(req.getCollection());
    var parts = UpsertValidation.byShard(req.getPointsList(), route.entry().config().dimension(), route.shardCount());
    String requestId = requestId(req.getRequestId());
    Map<Integer, ShardWriteRequest> requests = new LinkedHashMap<>();
    parts.forEach((shard, points) -> requests.put(shard, ShardWriteRequest.newBuilder()
        .setShard(route.ref(shard))
        .setRequestId(requestId)
        .setConsistency(req.getConsistency())
        .setUpsert(UpsertOp.newBuilder().addAllPoints(points))
        .build()));
    WriteResponse written = writes.write(route, requests, deadline);
    upserted.increment(req.getPointsCount());
    reply(out, written);
  }

  @Override
  public void delete(DeleteRequest req, StreamObserver<WriteResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    Route route = route(req.getCollection());
    String requestId = requestId(req.getRequestId());
    Map<Integer, ShardWriteRequest> requests = new LinkedHashMap<>();
    Function<Integer, ShardWriteRequest.Builder> part = shard -> ShardWriteRequest.newBuilder()
        .setShard(route.ref(shard)).setRequestId(requestId).setConsistency(req.getConsistency());
    switch (req.getSelectorCase()) {
      case IDS -> UpsertValidation.idsByShard("ids.ids", req.getIds().getIdsList(), route.shardCount())
          .forEach((shard, ids) -> requests.put(shard,
              part.apply(shard).setDeleteIds(DeleteIdsOp.newBuilder().addAllIds(ids)).build()));
      case FILTER -> {
        WireFilters.fromProto(req.getFilter()); // refuse a bad filter before anything is sent
        for (int s = 0; s < route.shardCount(); s++) {
          requests.put(s, part.apply(s).setDeleteFilter(DeleteFilterOp.newBuilder().setFilter(req.getFilter())).build());
        }
      }
      case SELECTOR_NOT_SET -> throw QuiverException.invalid("delete needs ids or filter");
    }
    if (requests.isEmpty()) {
      throw QuiverException.invalid("ids.ids is empty: give at least one id");
    }
    reply(out, writes.write(route, requests, deadline));
  }

  @Override
  public void get(GetRequest req, StreamObserver<GetResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    Route route = route(req.getCollection());
    ReadLevels.check(route, req.getRead());
    var parts = UpsertValidation.idsByShard("ids", req.getIdsList(), route.shardCount());
    Map<Integer, Future<ShardGetResponse>> answers = new TreeMap<>();
    parts.forEach((shard, ids) -> {
      ShardGetRequest r = ShardGetRequest.newBuilder().setShard(route.ref(shard)).addAllIds(ids)
          .setWithPayload(req.getWithPayload()).setWithVector(req.getWithVector())
          .setRead(ReadLevels.forShard(req.getRead(), shard)).build();
      answers.put(shard, executor.submit(() -> reader.read(route, shard, deadline, s -> s.shardGet(r)).value()));
    });
    Map<PointId, RetrievedPoint> found = new HashMap<>();
    ConsistencyToken.Builder token = token(route);
    answers.forEach((shard, f) -> {
      ShardGetResponse r = await(f);
      token.addPositions(position(shard, r.getAppliedIndex()));
      r.getPointsList().forEach(p -> found.put(WireValues.pointId("id", p.getId()), p));
    });
    GetResponse.Builder b = GetResponse.newBuilder().setToken(token);
    for (int i = 0; i < req.getIdsCount(); i++) {
      RetrievedPoint p = found.remove(WireValues.pointId("ids[" + i + "]", req.getIds(i)));
      if (p != null) {
        b.addPoints(p);
      }
    }
    reply(out, b.build());
  }

  @Override
  public void scroll(ScrollRequest req, StreamObserver<ScrollResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    Route route = route(req.getCollection());
    int limit = req.getLimit() == 0 ? DEFAULT_SCROLL_LIMIT : req.getLimit();
    if (limit < 1 || limit > Limits.MAX_SCROLL_LIMIT) {
      throw QuiverException.invalid(
          "limit must be in 1.." + Limits.MAX_SCROLL_LIMIT + " but was " + Integer.toUnsignedString(req.getLimit()));
    }
    if (req.hasOffset()) {
      WireValues.pointId("offset", req.getOffset());
    }
    WireFilters.fromProto(req.getFilter());
    ReadLevels.check(route, req.getRead());
    ShardScrollRequest.Builder base = ShardScrollRequest.newBuilder().setFilter(req.getFilter()).setLimit(limit + 1)
        .setWithPayload(req.getWithPayload()).setWithVector(req.getWithVector());
    if (req.hasOffset()) {
      base.setOffset(req.getOffset());
    }
    List<ShardScrollResponse> answers = scatter(route, deadline, shard -> {
      ShardScrollRequest r = base.setShard(route.ref(shard)).setRead(ReadLevels.forShard(req.getRead(), shard)).build();
      return s -> s.shardScroll(r);
    });
    // Each shard returns its next limit + 1 ids; the smallest limit + 1 of all of them are the
    // page and the proof that another page follows. The heap keeps memory at one page.
    ConsistencyToken.Builder token = token(route);
    TopK<IdOrdered> page = new TopK<>(limit + 1, IdOrdered.ORDER);
    for (int s = 0; s < answers.size(); s++) {
      token.addPositions(position(s, answers.get(s).getAppliedIndex()));
      answers.get(s).getPointsList().forEach(p -> page.offer(new IdOrdered(WireValues.pointId("id", p.getId()), p)));
    }
    ScrollResponse.Builder b = ScrollResponse.newBuilder().setToken(token);
    for (IdOrdered p : page.bestFirst()) {
      if (b.getPointsCount() == limit) {
        b.setNextOffset(b.getPoints(limit - 1).getId());
        break;
      }
      b.addPoints(p.point());
    }
    reply(out, b.build());
  }

  @Override
  public void count(CountRequest req, StreamObserver<CountResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    Route route = route(req.getCollection());
    WireFilters.fromProto(req.getFilter());
    ReadLevels.check(route, req.getRead());
    List<ShardCountResponse> answers = scatter(route, deadline, shard -> {
      ShardCountRequest r = ShardCountRequest.newBuilder().setShard(route.ref(shard)).setFilter(req.getFilter())
          .setRead(ReadLevels.forShard(req.getRead(), shard)).build();
      return s -> s.shardCount(r);
    });
    ConsistencyToken.Builder token = token(route);
    long count = 0;
    for (int s = 0; s < answers.size(); s++) {
      token.addPositions(position(s, answers.get(s).getAppliedIndex()));
      count += answers.get(s).getCount();
    }
    reply(out, CountResponse.newBuilder().setCount(count).setToken(token).build());
  }

  @Override
  public void search(SearchRequest req, StreamObserver<SearchResponse> out) {
    reply(out, search(req, Deadlines.forRequest(requestDeadline)));
  }

  @Override
  public void searchBatch(SearchBatchRequest req, StreamObserver<SearchBatchResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    List<Future<SearchResponse>> answers = new ArrayList<>();
    for (SearchRequest s : req.getSearchesList()) {
      answers.add(executor.submit(() -> search(s, deadline)));
    }
    SearchBatchResponse.Builder b = SearchBatchResponse.newBuilder();
    for (int i = 0; i < answers.size(); i++) {
      try {
        b.addResults(await(answers.get(i)));
      } catch (QuiverException e) {
        throw new QuiverException(e.code(), "searches[" + i + "]." + e.getMessage(), e);
      }
    }
    reply(out, b.build());
  }

  @Override
  public void hybridSearch(HybridSearchRequest req, StreamObserver<SearchResponse> out) {
    Deadline deadline = Deadlines.forRequest(requestDeadline);
    long start = System.nanoTime();
    SearchResponse r = hybrid.search(route(req.getCollection()), req, deadline);
    hybridLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    reply(out, r);
  }

  /** A search, answered from the cache when an identical one is cached and still current. */
  private SearchResponse search(SearchRequest req, Deadline deadline) {
    long start = System.nanoTime();
    Route route = route(req.getCollection());
    validate(route, req);
    boolean cacheable = cache.applies(req);
    if (cacheable) {
      Optional<SearchResponse> hit = cache.lookup(route, req, deadline);
      if (hit.isPresent()) {
        searchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return hit.get().toBuilder().setTookMicros((System.nanoTime() - start) / 1_000).build();
      }
    }
    Map<Integer, NodeId> servedBy = new HashMap<>();
    SearchResponse r = req.hasLikeId() ? moreLike(route, req, deadline, servedBy)
        : searches.search(route, req, WireVectors.vector("vector", req.getVector(), route.entry().config().dimension()),
            deadline, servedBy);
    r = r.toBuilder().setToken(r.getToken().toBuilder().setCollectionUuid(route.entry().uuid().toString())).build();
    if (cacheable) {
      cache.store(route, req, r, servedBy);
    }
    searchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return r;
  }

  private static void validate(Route route, SearchRequest req) {
    int dimension = route.entry().config().dimension();
    long k = Integer.toUnsignedLong(req.getK());
    if (k < 1 || k > Limits.MAX_K) {
      throw QuiverException.invalid("k must be in 1.." + Limits.MAX_K + " but was " + k);
    }
    long offset = Integer.toUnsignedLong(req.getOffset());
    if (offset + k > Limits.MAX_K) {
      throw QuiverException.invalid(
          "offset + k must be at most " + Limits.MAX_K + " but was " + offset + " + " + k);
    }
    WireFilters.fromProto(req.getFilter());
    ReadLevels.check(route, req.getRead());
    if (req.hasLikeId()) {
      if (req.hasVector() && req.getVector().getValuesCount() > 0) {
        throw QuiverException.invalid("give either vector or like_id, not both");
      }
    } else {
      WireVectors.vector("vector", req.getVector(), dimension);
    }
  }

  /** "More like this": search with the stored vector of {@code like_id}, leaving that point out. */
  private SearchResponse moreLike(Route route, SearchRequest req, Deadline deadline, Map<Integer, NodeId> servedBy) {
    PointId like = WireValues.pointId("like_id", req.getLikeId());
    int shard = ShardRouter.shardOf(like, route.shardCount());
    ShardGetRequest get = ShardGetRequest.newBuilder().setShard(route.ref(shard)).addIds(req.getLikeId())
        .setWithVector(true).setRead(ReadLevels.forShard(req.getRead(), shard)).build();
    ShardGetResponse found = reader.read(route, shard, deadline, s -> s.shardGet(get)).value();
    if (found.getPointsCount() == 0) {
      throw QuiverException.notFound("like_id " + like + " is not in collection '" + route.entry().name() + "'");
    }
    float[] v = WireVectors.vector("like_id vector", found.getPoints(0).getVector(), route.entry().config().dimension());
    if (!req.getGroupBy().isEmpty()) {
      // The point itself leads its own group; a filter would be needed to leave it out exactly.
      return searches.search(route, req, v, deadline, servedBy);
    }
    SearchRequest wider = req.toBuilder().setK(req.getK() + 1).build();
    SearchResponse r = searches.search(route, wider, v, deadline, servedBy);
    SearchResponse.Builder b = r.toBuilder().clearHits();
    r.getHitsList().stream()
        .filter(h -> !WireValues.pointId("id", h.getId()).equals(like))
        .limit(req.getK())
        .forEach(b::addHits);
    return b.build();
  }

  /** One call per shard in parallel; every shard must answer (reads other than search are never partial). */
  private <T> List<T> scatter(Route route, Deadline deadline,
      Function<Integer, Function<DataNodeFutureStub, ListenableFuture<T>>> perShard) {
    List<Future<T>> futures = new ArrayList<>(route.shardCount());
    for (int s = 0; s < route.shardCount(); s++) {
      var call = perShard.apply(s);
      int shard = s;
      futures.add(executor.submit(() -> reader.read(route, shard, deadline, call).value()));
    }
    List<T> out = new ArrayList<>(futures.size());
    futures.forEach(f -> out.add(await(f)));
    return out;
  }

  private Route route(String collection) {
    if (collection.isEmpty()) {
      throw QuiverException.invalid("collection is empty: name the collection");
    }
    return Route.of(cluster.snapshot(), collection);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw GrpcErrors.toQuiver(e);
    }
  }

  /** A scrolled point ordered by id, for the page merge. */
  private record IdOrdered(PointId id, RetrievedPoint point) {
    static final Comparator<IdOrdered> ORDER = Comparator.comparing(IdOrdered::id);
  }

  private static ConsistencyToken.Builder token(Route route) {
    return ConsistencyToken.newBuilder().setCollectionUuid(route.entry().uuid().toString());
  }

  private static ShardPosition position(int shard, long index) {
    return ShardPosition.newBuilder().setShard(shard).setIndex(index).build();
  }

  private static String requestId(String given) {
    return given.isEmpty() ? UUID.randomUUID().toString() : given;
  }

  private static <T> void reply(StreamObserver<T> out, T message) {
    out.onNext(message);
    out.onCompleted();
  }
}
