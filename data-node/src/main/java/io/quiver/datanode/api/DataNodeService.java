package io.quiver.datanode.api;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.grpc.StreamSender;
import io.quiver.common.model.Limits;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.wire.WireFilters;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.datanode.admin.ReplicaAdmin;
import io.quiver.datanode.hosting.HostedReplicas;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.shard.LocalShard;
import io.quiver.index.engine.SearchOptions;
import io.quiver.datanode.raft.WriteOutcome;
import io.quiver.datanode.store.ShardDigest;
import io.quiver.datanode.store.ShardOp;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.ShardWriteStatus;
import io.quiver.proto.v1.WriteConsistency;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.NodeStatusRequest;
import io.quiver.proto.v1.internal.NodeStatusResponse;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import io.quiver.proto.v1.internal.ReplicaStatus;
import io.quiver.proto.v1.internal.ShardCountRequest;
import io.quiver.proto.v1.internal.ShardCountResponse;
import io.quiver.proto.v1.internal.ShardExportChunk;
import io.quiver.proto.v1.internal.ShardExportRequest;
import io.quiver.proto.v1.internal.ShardGetRequest;
import io.quiver.proto.v1.internal.ShardGetResponse;
import io.quiver.proto.v1.internal.ShardIndexEntry;
import io.quiver.proto.v1.internal.ShardIndexRequest;
import io.quiver.proto.v1.internal.ShardIndexResponse;
import io.quiver.proto.v1.internal.ShardReadLevel;
import io.quiver.proto.v1.internal.ShardScrollRequest;
import io.quiver.proto.v1.internal.ShardScrollResponse;
import io.quiver.proto.v1.internal.ShardSearchRequest;
import io.quiver.proto.v1.internal.ShardSearchResponse;
import io.quiver.proto.v1.internal.ShardWriteRequest;
import io.quiver.proto.v1.internal.ShardWriteResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal DataNode service over the hosted replicas. A write is one entry in the shard's
 * Raft log, submitted at the local replica (a follower answers NOT_LEADER with the leader's node
 * id); a read first waits until the replica may serve it at its level (STRONG: a linearizable
 * read index; SESSION: the session's index applied here; EVENTUAL: at once) and reports the
 * applied index it was served at. An export streams a replica's points from one RocksDB snapshot
 * ({@link ShardExportCall}), for backups.
 */
public final class DataNodeService extends DataNodeGrpc.DataNodeImplBase {
  private static final Logger log = LoggerFactory.getLogger(DataNodeService.class);
  static final String ADMIN_LATER = "replica administration arrives with membership changes (issue #10)";
  /** Used when a call carries no deadline. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Group generation: bumped only by recover-shard, which does not exist yet. */
  static final long GENERATION = 0;

  private final NodeId self;
  private final HostedReplicas replicas;
  private final ShardGroups groups;
  private final ReplicaAdmin admin;

  public DataNodeService(NodeId self, HostedReplicas replicas, ShardGroups groups) {
    this(self, replicas, groups, null);
  }

  /** With {@code admin}, the coordinator's ReplicaAdmin calls are served; without, refused. */
  public DataNodeService(NodeId self, HostedReplicas replicas, ShardGroups groups, ReplicaAdmin admin) {
    this.self = self;
    this.replicas = replicas;
    this.groups = groups;
    this.admin = admin;
  }

  @Override
  public void shardWrite(ShardWriteRequest req, StreamObserver<ShardWriteResponse> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    HostedReplicas.Served shard = replicas.require(id);
    ShardOp op = switch (req.getOpCase()) {
      case UPSERT -> {
        List<Point> points = new ArrayList<>(req.getUpsert().getPointsCount());
        for (int i = 0; i < req.getUpsert().getPointsCount(); i++) {
          points.add(ShardMessages.point(i, req.getUpsert().getPoints(i), shard.config().dimension()));
        }
        yield new ShardOp.Upsert(points);
      }
      case DELETE_IDS -> new ShardOp.Delete(ids("ids", req.getDeleteIds().getIdsList()));
      case DELETE_FILTER -> new ShardOp.DeleteByFilter(WireFilters.fromProto(req.getDeleteFilter().getFilter()));
      case OP_NOT_SET -> throw QuiverException.invalid("op is missing: give upsert, delete_ids or delete_filter");
    };
    WriteLevel level = req.getConsistency() == WriteConsistency.ALL ? WriteLevel.ALL : WriteLevel.QUORUM;
    groups.write(id, req.getRequestId(), op, level, timeout()).whenComplete((o, ex) -> {
      if (ex != null) {
        out.onError(GrpcErrors.toStatus(ex));
        return;
      }
      out.onNext(response(o));
      out.onCompleted();
    });
  }

  private static ShardWriteResponse response(WriteOutcome o) {
    ShardWriteResponse.Builder b = ShardWriteResponse.newBuilder().setGeneration(GENERATION);
    return switch (o.status()) {
      case APPLIED -> b.setStatus(ShardWriteStatus.APPLIED).setAppliedIndex(o.logIndex()).setAffected(o.affected())
          .build();
      case FAILED, UNKNOWN -> {
        b.setStatus(o.status() == WriteOutcome.Status.FAILED ? ShardWriteStatus.FAILED : ShardWriteStatus.UNKNOWN)
            .setError(o.message() == null ? "" : o.message())
            .setErrorCode(o.code() == null ? ErrorCode.INTERNAL.name() : o.code().name());
        if (o.leaderHint() != null) {
          b.setLeaderHint(nodeOf(o.leaderHint().peerId()));
        }
        yield b.build();
      }
    };
  }

  /** The node id in a Raft peer id {@code node@storage}. */
  static String nodeOf(String peerId) {
    int at = peerId.lastIndexOf('@');
    return at < 0 ? peerId : peerId.substring(0, at);
  }

  @Override
  public void shardSearch(ShardSearchRequest req, StreamObserver<ShardSearchResponse> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    HostedReplicas.Served shard = replicas.require(id);
    if (req.getK() < 1 || req.getK() > Limits.MAX_K) {
      throw QuiverException.invalid("k must be in 1.." + Limits.MAX_K + " but was " + Integer.toUnsignedString(req.getK()));
    }
    boolean text = !req.getText().isEmpty();
    float[] q = text ? null : WireVectors.vector("vector", req.getVector(), shard.config().dimension());
    int ef = req.getEf() == 0 ? shard.config().hnsw().efSearch() : req.getEf();
    if (ef < 1 || ef > SearchOptions.MAX_EF) {
      throw QuiverException.invalid("ef must be in 1.." + SearchOptions.MAX_EF + " but was " + Integer.toUnsignedString(ef));
    }
    Filter filter = WireFilters.fromProto(req.getFilter());
    long index = awaitReadable(id, req.getRead());
    long start = System.nanoTime();
    LocalShard s = served(id).index();
    var hits = text ? s.searchText(req.getText(), req.getK(), filter)
        : s.search(q, req.getK(), filter, ef, req.getExact());
    ShardSearchResponse.Builder b = ShardSearchResponse.newBuilder()
        .setAppliedIndex(index)
        .setGeneration(GENERATION)
        .setPath(text ? "bm25" : req.getExact() ? "exact" : "hnsw")
        .setCandidates(s.size());
    hits.forEach(h -> b.addHits(ShardMessages.scored(h, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.setMicros((System.nanoTime() - start) / 1_000).build());
    out.onCompleted();
  }

  @Override
  public void shardGet(ShardGetRequest req, StreamObserver<ShardGetResponse> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    replicas.require(id);
    List<PointId> ids = ids("ids", req.getIdsList());
    long index = awaitReadable(id, req.getRead());
    ShardGetResponse.Builder b = ShardGetResponse.newBuilder().setAppliedIndex(index).setGeneration(GENERATION);
    served(id).index().get(ids)
        .forEach(p -> b.addPoints(ShardMessages.retrieved(p, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void shardScroll(ShardScrollRequest req, StreamObserver<ShardScrollResponse> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    replicas.require(id);
    int limit = req.getLimit() == 0 ? 100 : req.getLimit();
    if (limit < 1 || limit > Limits.MAX_SCROLL_LIMIT + 1) {
      throw QuiverException.invalid("limit must be in 1.." + Limits.MAX_SCROLL_LIMIT + " but was " + Integer.toUnsignedString(limit));
    }
    PointId after = req.hasOffset() ? WireValues.pointId("offset", req.getOffset()) : null;
    Filter filter = WireFilters.fromProto(req.getFilter());
    long index = awaitReadable(id, req.getRead());
    ShardScrollResponse.Builder b = ShardScrollResponse.newBuilder().setAppliedIndex(index).setGeneration(GENERATION);
    served(id).index().scroll(after, limit, filter)
        .forEach(p -> b.addPoints(ShardMessages.retrieved(p, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void shardCount(ShardCountRequest req, StreamObserver<ShardCountResponse> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    replicas.require(id);
    Filter f = WireFilters.fromProto(req.getFilter());
    long index = awaitReadable(id, req.getRead());
    out.onNext(ShardCountResponse.newBuilder().setAppliedIndex(index).setGeneration(GENERATION)
        .setCount(served(id).index().count(f)).build());
    out.onCompleted();
  }

  /**
   * The replica's live points at one applied index, after a STRONG read check: the copy holds every
   * write acknowledged before the call. The stream runs under the call's deadline; only the read
   * check is bounded by the request timeout.
   */
  @Override
  public void shardExport(ShardExportRequest req, StreamObserver<ShardExportChunk> out) {
    ShardId id = ShardMessages.shard(req.getShard());
    replicas.require(id);
    long readIndex = awaitReadable(id, ShardReadLevel.newBuilder().setConsistency(ReadConsistency.STRONG).build());
    long sent = ShardExportCall.stream(groups.store(id), new StreamSender<>(out, "export of shard " + id));
    log.info("shard {} exported: {} points (STRONG read at index {})", id, sent, readIndex);
  }

  @Override
  public void replicaAdmin(ReplicaAdminRequest req, StreamObserver<ReplicaAdminResponse> out) {
    if (admin == null) {
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION, ADMIN_LATER);
    }
    out.onNext(admin.handle(ShardMessages.shard(req.getShard()), req));
    out.onCompleted();
  }

  @Override
  public void nodeStatus(NodeStatusRequest req, StreamObserver<NodeStatusResponse> out) {
    var resources = groups.resources();
    NodeStatusResponse.Builder b = NodeStatusResponse.newBuilder().setNodeId(self.value())
        .setMemoryUsedBytes(resources.memoryUsedBytes()).setMemoryBudgetBytes(resources.memoryBudgetBytes())
        .setDiskUsedBytes(resources.diskUsedBytes()).setDiskBudgetBytes(resources.diskBudgetBytes());
    for (HostedReplicas.Served s : replicas.all()) {
      ShardId id = s.shard();
      groups.status(id).ifPresent(st -> {
        ReplicaStatus.Builder r = ReplicaStatus.newBuilder()
            .setShard(ShardRef.newBuilder().setCollectionUuid(id.collection().toString()).setShard(id.shard()))
            .setRole(role(st.role()))
            .setAppliedIndex(st.appliedIndex())
            .setGeneration(GENERATION)
            .setPoints(s.index().size())
            .setTerm(st.term())
            .setLeaderPeerId(st.leaderPeerId() == null ? "" : st.leaderPeerId());
        if (req.getWithDigests()) {
          ShardDigest d = groups.store(id).digest();
          r.setDigest(d.sha256()).setDigestRows(d.liveRows()).setDigestAppliedIndex(d.appliedIndex());
        }
        b.addReplicas(r);
      });
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /** Ratis's role as Describe shows it: leader, follower (a candidate too) or learner. */
  static String role(String raftRole) {
    return switch (raftRole) {
      case "LEADER" -> "leader";
      case "LISTENER" -> "learner";
      default -> "follower";
    };
  }

  /**
   * Per shard asked, the index a read at the level would be served at: for STRONG the read index
   * (one linearizable check), otherwise the applied index. A shard that cannot answer now reads
   * as not hosted.
   */
  @Override
  public void shardIndex(ShardIndexRequest req, StreamObserver<ShardIndexResponse> out) {
    ShardIndexResponse.Builder b = ShardIndexResponse.newBuilder();
    ReadLevel level = level(req.getConsistency());
    for (ShardRef ref : req.getShardsList()) {
      ShardIndexEntry.Builder e = ShardIndexEntry.newBuilder().setShard(ref).setGeneration(GENERATION);
      ShardId id = ShardMessages.shard(ref);
      if (replicas.find(id).isPresent()) {
        try {
          e.setIndex(await(groups.awaitReadable(id, level == ReadLevel.SESSION ? ReadLevel.EVENTUAL : level, 0,
              timeout()))).setHosted(true);
        } catch (QuiverException ex) {
          e.setHosted(false);
        }
      }
      b.addEntries(e);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /**
   * Waits until the replica may serve a read at {@code read}; returns the index it is served at.
   * A STRONG read that finds no leader (a new group, or an election after a failover) tries again
   * with backoff while the deadline allows: elections take about one election timeout.
   */
  private long awaitReadable(ShardId id, ShardReadLevel read) {
    ReadLevel level = level(read.getConsistency());
    long end = System.nanoTime() + timeout().toNanos();
    long backoff = 50;
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
      try {
        return await(groups.awaitReadable(id, level, read.getMinIndex(), Duration.ofMillis(Math.max(1, left))));
      } catch (QuiverException e) {
        if (level != ReadLevel.STRONG || e.code() != ErrorCode.UNAVAILABLE || left < backoff + 100) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw QuiverException.unavailable("interrupted while waiting to read shard " + id);
      }
      backoff = Math.min(backoff * 2, 500);
    }
  }

  private HostedReplicas.Served served(ShardId id) {
    return replicas.require(id);
  }

  private static ReadLevel level(ReadConsistency c) {
    return switch (c) {
      case SESSION -> ReadLevel.SESSION;
      case EVENTUAL -> ReadLevel.EVENTUAL;
      default -> ReadLevel.STRONG;
    };
  }

  private static long await(CompletableFuture<Long> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw QuiverException.unavailable("interrupted while waiting to read");
    } catch (ExecutionException e) {
      throw GrpcErrors.toQuiver(e);
    }
  }

  /** What is left of the call's deadline (a little kept back to answer in), else the default. */
  private static Duration timeout() {
    Deadline d = Context.current().getDeadline();
    if (d == null) {
      return DEFAULT_TIMEOUT;
    }
    long left = d.timeRemaining(TimeUnit.MILLISECONDS);
    return Duration.ofMillis(Math.max(1, Math.min(left - Math.min(left / 10, 200), DEFAULT_TIMEOUT.toMillis())));
  }

  private static List<PointId> ids(String field, List<io.quiver.proto.v1.PointId> ids) {
    List<PointId> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(WireValues.pointId(field + "[" + i + "]", ids.get(i)));
    }
    return out;
  }
}
