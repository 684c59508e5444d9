package io.quiver.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.quiver.client.Rpc.Retry;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.Limits;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.wire.WireFilters;
import io.quiver.common.wire.WireValues;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.DrainRequest;
import io.quiver.proto.v1.RebalanceRequest;
import io.quiver.proto.v1.RecoverShardRequest;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.CountRequest;
import io.quiver.proto.v1.DeleteRequest;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.ListCollectionsRequest;
import io.quiver.proto.v1.PointIdList;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.ScrollResponse;
import io.quiver.proto.v1.SearchBatchRequest;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.UndrainRequest;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.WriteConsistency;
import io.quiver.proto.v1.WriteResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a Quiver cluster through one query node endpoint ({@code host:port}).
 *
 * <p>Every call runs under a deadline (10 s unless the builder says otherwise; use
 * {@link #withDeadline(Duration)} for one call) and fails with a {@link QuiverException} carrying
 * the server's {@link ErrorCode} and message. Reads and idempotent writes are retried with
 * backoff within the deadline when the server says a retry may succeed; every upsert request
 * carries a request id minted here and reused on its retries, so a retried write applies once.
 * The client remembers the newest consistency token per collection and sends it with SESSION
 * reads. Thread-safe; close it to release the connection.
 */
public final class QuiverClient implements AutoCloseable {
  /** Deadline of each call unless configured otherwise. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
  /** Attempts per call for retryable failures. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Most bytes (serialized) in one upsert request: well under gRPC's usual 4 MB message limit. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 3 << 20;

  private final Rpc rpc;
  private final SessionTokens tokens;
  private final ReadLevel defaultReadLevel;
  private final int maxBatchPoints;
  private final int maxBatchBytes;
  private final boolean ownsChannel;

  private QuiverClient(
      Rpc rpc, SessionTokens tokens, ReadLevel readLevel, int maxBatchPoints, int maxBatchBytes, boolean owns) {
    this.rpc = rpc;
    this.tokens = tokens;
    this.defaultReadLevel = readLevel;
    this.maxBatchPoints = maxBatchPoints;
    this.maxBatchBytes = maxBatchBytes;
    this.ownsChannel = owns;
  }

  /** Connects to {@code host:port} with every default. The connection is made lazily. */
  public static QuiverClient connect(String endpoint) {
    return builder(endpoint).build();
  }

  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  /** The endpoint this client talks to. */
  public String endpoint() {
    return rpc.target();
  }

  /**
   * This client with another deadline per call, sharing the connection and session tokens;
   * closing the view does not close the connection.
   */
  public QuiverClient withDeadline(Duration deadline) {
    checkDeadline(deadline);
    return new QuiverClient(rpc.withDeadline(deadline), tokens, defaultReadLevel, maxBatchPoints, maxBatchBytes, false);
  }

  // ---- collections ----

  public CollectionInfo createCollection(CollectionSpec spec) {
    var r = rpc.call(CollectionsGrpc.newBlockingStub(rpc.channel()), Retry.NONE, s -> s.create(spec.toProto()));
    tokens.forget(spec.name());
    return ClientWire.collection(r.getCollection());
  }

  public List<CollectionInfo> listCollections() {
    var r = rpc.call(
        CollectionsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.list(ListCollectionsRequest.getDefaultInstance()));
    return r.getCollectionsList().stream().map(ClientWire::collection).toList();
  }

  /** Config, per-shard placement and counts; NOT_FOUND for an unknown name. */
  public CollectionDescription describeCollection(String name) {
    var req = DescribeCollectionRequest.newBuilder().setName(name).build();
    return ClientWire.description(rpc.call(CollectionsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.describe(req)));
  }

  /** Drops a collection and its data; NOT_FOUND for an unknown name. */
  public void dropCollection(String name) {
    var req = DropCollectionRequest.newBuilder().setName(name).build();
    rpc.call(CollectionsGrpc.newBlockingStub(rpc.channel()), Retry.NONE, s -> s.drop(req));
    tokens.forget(name);
  }

  // ---- writes ----

  /** Upserts at the collection's default write level; see {@link #upsert(String, Iterable, WriteLevel)}. */
  public WriteResult upsert(String collection, Iterable<Point> points) {
    return upsert(collection, points, null);
  }

  /**
   * Inserts or replaces points by id. Any number of points may be given: they are sent in
   * requests of at most 10,000 points and a few MB each, in order, each request under its own
   * deadline. A request's part per shard applies atomically; a failure stops the import and
   * throws, with the requests before it applied.
   *
   * @param level null for the collection's default
   */
  public WriteResult upsert(String collection, Iterable<Point> points, WriteLevel level) {
    Objects.requireNonNull(collection, "collection");
    long affected = 0;
    int requests = 0;
    List<PointStruct> batch = new ArrayList<>();
    long bytes = 0;
    for (Point p : points) {
      PointStruct ps = ClientWire.point(p);
      int size = ps.getSerializedSize() + 8;
      if (!batch.isEmpty() && (batch.size() >= maxBatchPoints || bytes + size > maxBatchBytes)) {
        affected += sendUpsert(collection, batch, level);
        requests++;
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(ps);
      bytes += size;
    }
    if (!batch.isEmpty() || requests == 0) {
      affected += sendUpsert(collection, batch, level);
      requests++;
    }
    return new WriteResult(affected, requests);
  }

  private long sendUpsert(String collection, List<PointStruct> batch, WriteLevel level) {
    return sendUpsert(collection, batch, level, newRequestId());
  }

  /** One upsert request under a request id the caller derived (a restore's), at the default level. */
  long upsertBatch(String collection, List<PointStruct> batch, String requestId) {
    return sendUpsert(collection, batch, null, requestId);
  }

  private long sendUpsert(String collection, List<PointStruct> batch, WriteLevel level, String requestId) {
    UpsertRequest.Builder req =
        UpsertRequest.newBuilder().setCollection(collection).addAllPoints(batch).setRequestId(requestId);
    if (level != null) {
      req.setConsistency(WriteConsistency.valueOf(level.name()));
    }
    UpsertRequest built = req.build();
    WriteResponse r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.IDEMPOTENT_WRITE, s -> s.upsert(built));
    tokens.observe(collection, r.getToken());
    return r.getAffected();
  }

  /** Deletes points by id; returns how many existed. */
  public WriteResult delete(String collection, Collection<PointId> ids) {
    PointIdList.Builder list = PointIdList.newBuilder();
    ids.forEach(id -> list.addIds(WireValues.toProto(id)));
    return sendDelete(collection, DeleteRequest.newBuilder().setIds(list));
  }

  /** Deletes every point matching the filter; returns how many there were. */
  public WriteResult deleteWhere(String collection, Filter filter) {
    return sendDelete(collection, DeleteRequest.newBuilder().setFilter(WireFilters.toProto(filter)));
  }

  private WriteResult sendDelete(String collection, DeleteRequest.Builder req) {
    DeleteRequest built = req.setCollection(collection).setRequestId(newRequestId()).build();
    WriteResponse r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.IDEMPOTENT_WRITE, s -> s.delete(built));
    tokens.observe(collection, r.getToken());
    return new WriteResult(r.getAffected(), 1);
  }

  // ---- reads ----

  /** Points by id, missing ids left out. */
  public List<RetrievedPoint> get(String collection, Collection<PointId> ids, boolean withPayload, boolean withVector) {
    GetRequest.Builder req =
        GetRequest.newBuilder()
            .setCollection(collection)
            .setWithPayload(WithPayload.newBuilder().setEnable(withPayload))
            .setWithVector(withVector)
            .setRead(readOptions(collection, null));
    ids.forEach(id -> req.addIds(WireValues.toProto(id)));
    GetRequest built = req.build();
    var r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.get(built));
    tokens.observe(collection, r.getToken());
    return r.getPointsList().stream().map(ClientWire::retrieved).toList();
  }

  /** One page of points in id order; pass {@code query.after(page.nextOffset())} for the next. */
  public ScrollPage scroll(ScrollQuery query) {
    var req = query.toProto().setRead(readOptions(query.collection(), query.readLevel())).build();
    ScrollResponse r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.scroll(req));
    tokens.observe(query.collection(), r.getToken());
    PointId next = r.hasNextOffset() ? WireValues.pointId("next_offset", r.getNextOffset()) : null;
    return new ScrollPage(r.getPointsList().stream().map(ClientWire::retrieved).toList(), next);
  }

  public long count(String collection) {
    return count(collection, null);
  }

  /** Points matching the filter (null: all). */
  public long count(String collection, Filter filter) {
    CountRequest.Builder req = CountRequest.newBuilder().setCollection(collection).setRead(readOptions(collection, null));
    if (filter != null) {
      req.setFilter(WireFilters.toProto(filter));
    }
    CountRequest built = req.build();
    var r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.count(built));
    tokens.observe(collection, r.getToken());
    return r.getCount();
  }

  public SearchResult search(SearchQuery query) {
    SearchRequest req = searchRequest(query);
    var r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.search(req));
    tokens.observe(query.collection(), r.getToken());
    return ClientWire.search(r);
  }

  /** BM25 over the points' text and/or a vector search, fused by the query node. */
  public SearchResult hybridSearch(HybridQuery query) {
    HybridSearchRequest.Builder b = query.toProto();
    b.setRead(merge(b.getRead(), readOptions(query.collection(), query.readLevel())));
    HybridSearchRequest req = b.build();
    var r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.hybridSearch(req));
    tokens.observe(query.collection(), r.getToken());
    return ClientWire.search(r);
  }

  /** Several searches in one call; results in query order. */
  public List<SearchResult> searchBatch(List<SearchQuery> queries) {
    SearchBatchRequest.Builder req = SearchBatchRequest.newBuilder();
    queries.forEach(q -> req.addSearches(searchRequest(q)));
    SearchBatchRequest built = req.build();
    var r = rpc.call(PointsGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.searchBatch(built));
    List<SearchResult> out = new ArrayList<>(r.getResultsCount());
    for (int i = 0; i < r.getResultsCount(); i++) {
      if (i < queries.size()) {
        tokens.observe(queries.get(i).collection(), r.getResults(i).getToken());
      }
      out.add(ClientWire.search(r.getResults(i)));
    }
    return out;
  }

  private SearchRequest searchRequest(SearchQuery q) {
    SearchRequest.Builder b = q.toProto();
    return b.setRead(merge(b.getRead(), readOptions(q.collection(), q.readLevel()))).build();
  }

  /** The query's own read options (allow_partial) with the client's consistency and token. */
  private static ReadOptions merge(ReadOptions own, ReadOptions read) {
    ReadOptions.Builder merged = own.toBuilder().setConsistency(read.getConsistency());
    if (read.hasToken()) {
      merged.setToken(read.getToken());
    }
    return merged.build();
  }

  // ---- admin ----

  public ClusterStatus clusterStatus() {
    var r = rpc.call(
        AdminGrpc.newBlockingStub(rpc.channel()), Retry.READ, s -> s.clusterStatus(ClusterStatusRequest.getDefaultInstance()));
    return ClientWire.status(r);
  }

  /** The moves a rebalance would make now ({@code collection} empty: every collection), without acting. */
  public RebalancePlan rebalancePlan(String collection) {
    var r = rpc.call(AdminGrpc.newBlockingStub(rpc.channel()), Retry.READ,
        s -> s.rebalancePlan(RebalanceRequest.newBuilder().setCollection(collection).build()));
    return ClientWire.plan(r);
  }

  /**
   * Starts a rebalance ({@code collection} empty: every collection); the coordinator moves the
   * replicas in the background, throttled and resumable: follow it with {@link #clusterStatus()}.
   */
  public RebalancePlan rebalanceApply(String collection) {
    var r = rpc.call(AdminGrpc.newBlockingStub(rpc.channel()), Retry.NONE,
        s -> s.rebalanceApply(RebalanceRequest.newBuilder().setCollection(collection).build()));
    return ClientWire.plan(r);
  }

  /** Marks a data node draining and starts moving every replica off it, before it is removed. */
  public RebalancePlan drain(String nodeId) {
    var r = rpc.call(AdminGrpc.newBlockingStub(rpc.channel()), Retry.NONE,
        s -> s.drain(DrainRequest.newBuilder().setNodeId(nodeId).build()));
    return ClientWire.plan(r);
  }

  /**
   * Undoes {@link #drain}: the node takes replicas again and a rebalance starts toward the ring that
   * includes it. Fails with FAILED_PRECONDITION when the node is not draining.
   */
  public RebalancePlan undrain(String nodeId) {
    var r = rpc.call(AdminGrpc.newBlockingStub(rpc.channel()), Retry.NONE,
        s -> s.undrain(UndrainRequest.newBuilder().setNodeId(nodeId).build()));
    return ClientWire.plan(r);
  }

  /**
   * Majority loss: recreates shard {@code shard} of {@code collection} from the replica on
   * {@code fromNode}, which becomes the group's only voter; the coordinator then adds replicas back
   * to the replication factor. Writes that node had not applied are lost, hence
   * {@code acceptDataLoss}, which must be true. Takes an election timeout or more: give the client a
   * deadline of a minute or two. Fails with FAILED_PRECONDITION while the shard's group still has a
   * leader, INVALID_ARGUMENT for a shard or node that does not fit, NOT_FOUND for an unknown collection.
   */
  public ShardRecovery recoverShard(String collection, int shard, String fromNode, boolean acceptDataLoss) {
    var r = rpc.call(AdminGrpc.newBlockingStub(rpc.channel()), Retry.NONE,
        s -> s.recoverShard(RecoverShardRequest.newBuilder().setCollection(collection).setShard(shard)
            .setFromNodeId(fromNode).setAcceptDataLoss(acceptDataLoss).build()));
    return ClientWire.recovery(r);
  }

  // ---- backups ----

  /**
   * Writes a snapshot of {@code collection} into {@code dir}, which must not exist or be empty:
   * {@code manifest.json} (name, UUID, full config, per shard its point count, the applied index it
   * was read at and its data file's SHA-256) and one data file per shard. Each shard is a
   * consistent copy at one applied index of one replica, holding every write acknowledged before
   * its export started; shards are exported one after another, so a write made during the snapshot
   * may be in one shard's copy and not in another's. Each shard's stream runs under this client's
   * deadline (give a long one, e.g. {@code withDeadline(Duration.ofMinutes(30))}) and is started
   * again on a retryable failure. A failed snapshot removes what it wrote.
   *
   * @throws QuiverException NOT_FOUND for an unknown collection, INVALID_ARGUMENT when {@code dir}
   *     is not empty, UNAVAILABLE when a shard has no replica that can export it
   */
  public SnapshotManifest snapshot(String collection, Path dir) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(dir, "dir");
    SnapshotWriter.requireEmpty(dir);
    return new SnapshotWriter(rpc).write(describeCollection(collection).info(), dir);
  }

  /**
   * Restores the snapshot in {@code dir} as collection {@code name} (null: the snapshot's own
   * name). Nothing is created until the manifest and every data file check out (size, SHA-256,
   * point count); then the collection is created with the saved config and every point upserted
   * in batches whose request ids derive from the snapshot, so a batch sent twice applies once.
   *
   * @throws QuiverException NOT_FOUND when the manifest or a data file is missing, INVALID_ARGUMENT
   *     naming the file when one is corrupt, ALREADY_EXISTS when the name is taken (nothing changed)
   */
  public RestoreResult restore(Path dir, String name) {
    return restore(dir, name, false);
  }

  /**
   * As {@link #restore(Path, String)}; with {@code resume}, a collection of that name that already
   * exists with the snapshot's config is taken as the target of an earlier restore that stopped
   * part-way, and every point is sent again into it (FAILED_PRECONDITION if its config differs).
   */
  public RestoreResult restore(Path dir, String name, boolean resume) {
    Objects.requireNonNull(dir, "dir");
    return new SnapshotRestorer(this).restore(dir, name, resume);
  }

  int maxBatchPoints() {
    return maxBatchPoints;
  }

  int maxBatchBytes() {
    return maxBatchBytes;
  }

  private ReadOptions readOptions(String collection, ReadLevel level) {
    ReadLevel l = level != null ? level : defaultReadLevel;
    ReadOptions.Builder b = ReadOptions.newBuilder();
    if (l == null) {
      return b.build();
    }
    b.setConsistency(ReadConsistency.valueOf(l.name()));
    if (l == ReadLevel.SESSION) {
      var token = tokens.get(collection);
      if (token != null) {
        b.setToken(token);
      }
    }
    return b.build();
  }

  private static String newRequestId() {
    return UUID.randomUUID().toString();
  }

  /** Closes the connection (a view from {@link #withDeadline} leaves it open). */
  @Override
  public void close() {
    if (!ownsChannel) {
      return;
    }
    ManagedChannel ch = rpc.channel();
    ch.shutdown();
    try {
      if (!ch.awaitTermination(5, TimeUnit.SECONDS)) {
        ch.shutdownNow();
      }
    } catch (InterruptedException e) {
      ch.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static void checkDeadline(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("deadline must be positive but was " + d);
    }
  }

  /** Builds a {@link QuiverClient}; every setter returns the builder. */
  public static final class Builder {
    private final String endpoint;
    private Duration deadline = DEFAULT_DEADLINE;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private ReadLevel readLevel;
    private int maxBatchPoints = Limits.MAX_BATCH_POINTS;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;

    private Builder(String endpoint) {
      if (endpoint == null || endpoint.isBlank()) {
        throw new IllegalArgumentException("endpoint must be host:port but was '" + endpoint + "'");
      }
      this.endpoint = endpoint.trim();
    }

    /** Deadline of each call (default 10 s). */
    public Builder deadline(Duration deadline) {
      checkDeadline(deadline);
      this.deadline = deadline;
      return this;
    }

    /** Attempts per call when the server says a retry may succeed (default 3; 1 = no retry). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Read level of reads that do not name one (default: the server's, STRONG). */
    public Builder readLevel(ReadLevel level) {
      this.readLevel = level;
      return this;
    }

    /** Most points per upsert request (1..10,000). */
    public Builder maxBatchPoints(int points) {
      if (points < 1 || points > Limits.MAX_BATCH_POINTS) {
        throw new IllegalArgumentException("maxBatchPoints must be in 1.." + Limits.MAX_BATCH_POINTS + " but was " + points);
      }
      this.maxBatchPoints = points;
      return this;
    }

    /** Most serialized bytes per upsert request (a single larger point is still sent alone). */
    public Builder maxBatchBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBatchBytes must be >= 1024 but was " + bytes);
      }
      this.maxBatchBytes = bytes;
      return this;
    }

    public QuiverClient build() {
      ManagedChannel channel =
          Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
              .maxInboundMessageSize(64 << 20)
              .build();
      Rpc rpc = new Rpc(channel, endpoint, deadline, maxAttempts);
      return new QuiverClient(rpc, new SessionTokens(), readLevel, maxBatchPoints, maxBatchBytes, true);
    }
  }
}
