package io.quiver.datanode.api;

import io.grpc.stub.StreamObserver;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.Limits;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.wire.WireFilters;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.datanode.hosting.HostedReplicas;
import io.quiver.datanode.shard.LocalShard;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.ShardWriteStatus;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.NodeStatusRequest;
import io.quiver.proto.v1.internal.NodeStatusResponse;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import io.quiver.proto.v1.internal.ReplicaStatus;
import io.quiver.proto.v1.internal.ShardCountRequest;
import io.quiver.proto.v1.internal.ShardCountResponse;
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
import io.quiver.proto.v1.internal.ShardSnapshotChunk;
import io.quiver.proto.v1.internal.ShardTransferRequest;
import io.quiver.proto.v1.internal.ShardWriteRequest;
import io.quiver.proto.v1.internal.ShardWriteResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The internal DataNode service over the hosted replicas. The slice applies a write directly
 * (no Raft yet): every replica is its own leader, and each write advances its applied index.
 */
public final class DataNodeService extends DataNodeGrpc.DataNodeImplBase {
  static final String TEXT_LATER = "text search arrives with the engine";
  static final String TRANSFER_LATER = "shard transfer arrives with replication (Raft snapshots)";
  static final String ADMIN_LATER = "replica administration arrives with replication (Raft groups)";

  private final NodeId self;
  private final HostedReplicas replicas;

  public DataNodeService(NodeId self, HostedReplicas replicas) {
    this.self = self;
    this.replicas = replicas;
  }

  @Override
  public void shardWrite(ShardWriteRequest req, StreamObserver<ShardWriteResponse> out) {
    LocalShard shard = replicas.require(ShardMessages.shard(req.getShard()));
    LocalShard.Applied applied = switch (req.getOpCase()) {
      case UPSERT -> {
        List<Point> points = new ArrayList<>(req.getUpsert().getPointsCount());
        for (int i = 0; i < req.getUpsert().getPointsCount(); i++) {
          points.add(ShardMessages.point(i, req.getUpsert().getPoints(i), shard.config().dimension()));
        }
        yield shard.upsert(points);
      }
      case DELETE_IDS -> shard.delete(ids("ids", req.getDeleteIds().getIdsList()));
      case DELETE_FILTER -> shard.deleteByFilter(WireFilters.fromProto(req.getDeleteFilter().getFilter()));
      case OP_NOT_SET -> throw QuiverException.invalid("op is missing: give upsert, delete_ids or delete_filter");
    };
    out.onNext(ShardWriteResponse.newBuilder()
        .setStatus(ShardWriteStatus.APPLIED)
        .setAppliedIndex(applied.index())
        .setAffected(applied.affected())
        .build());
    out.onCompleted();
  }

  @Override
  public void shardSearch(ShardSearchRequest req, StreamObserver<ShardSearchResponse> out) {
    LocalShard shard = readable(req.getShard(), req.getRead());
    if (!req.getText().isEmpty()) {
      throw QuiverException.invalid("text: " + TEXT_LATER);
    }
    if (req.getK() < 1 || req.getK() > Limits.MAX_K) {
      throw QuiverException.invalid("k must be in 1.." + Limits.MAX_K + " but was " + Integer.toUnsignedString(req.getK()));
    }
    long start = System.nanoTime();
    float[] q = WireVectors.vector("vector", req.getVector(), shard.config().dimension());
    long index = shard.appliedIndex();
    var hits = shard.search(q, req.getK(), WireFilters.fromProto(req.getFilter()));
    ShardSearchResponse.Builder b = ShardSearchResponse.newBuilder()
        .setAppliedIndex(index)
        .setPath("exact")
        .setCandidates(shard.size());
    hits.forEach(h -> b.addHits(ShardMessages.scored(h, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.setMicros((System.nanoTime() - start) / 1_000).build());
    out.onCompleted();
  }

  @Override
  public void shardGet(ShardGetRequest req, StreamObserver<ShardGetResponse> out) {
    LocalShard shard = readable(req.getShard(), req.getRead());
    ShardGetResponse.Builder b = ShardGetResponse.newBuilder().setAppliedIndex(shard.appliedIndex());
    shard.get(ids("ids", req.getIdsList()))
        .forEach(p -> b.addPoints(ShardMessages.retrieved(p, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void shardScroll(ShardScrollRequest req, StreamObserver<ShardScrollResponse> out) {
    LocalShard shard = readable(req.getShard(), req.getRead());
    int limit = req.getLimit() == 0 ? 100 : req.getLimit();
    if (limit < 1 || limit > Limits.MAX_SCROLL_LIMIT + 1) {
      throw QuiverException.invalid("limit must be in 1.." + Limits.MAX_SCROLL_LIMIT + " but was " + Integer.toUnsignedString(limit));
    }
    PointId after = req.hasOffset() ? WireValues.pointId("offset", req.getOffset()) : null;
    ShardScrollResponse.Builder b = ShardScrollResponse.newBuilder().setAppliedIndex(shard.appliedIndex());
    shard.scroll(after, limit, WireFilters.fromProto(req.getFilter()))
        .forEach(p -> b.addPoints(ShardMessages.retrieved(p, req.getWithPayload(), req.getWithVector())));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void shardCount(ShardCountRequest req, StreamObserver<ShardCountResponse> out) {
    LocalShard shard = readable(req.getShard(), req.getRead());
    Filter f = WireFilters.fromProto(req.getFilter());
    out.onNext(ShardCountResponse.newBuilder().setAppliedIndex(shard.appliedIndex()).setCount(shard.count(f)).build());
    out.onCompleted();
  }

  @Override
  public void shardTransfer(ShardTransferRequest req, StreamObserver<ShardSnapshotChunk> out) {
    replicas.require(ShardMessages.shard(req.getShard()));
    throw new QuiverException(ErrorCode.FAILED_PRECONDITION, TRANSFER_LATER);
  }

  @Override
  public void replicaAdmin(ReplicaAdminRequest req, StreamObserver<ReplicaAdminResponse> out) {
    throw new QuiverException(ErrorCode.FAILED_PRECONDITION, ADMIN_LATER);
  }

  @Override
  public void nodeStatus(NodeStatusRequest req, StreamObserver<NodeStatusResponse> out) {
    NodeStatusResponse.Builder b = NodeStatusResponse.newBuilder().setNodeId(self.value());
    for (LocalShard s : replicas.all()) {
      ShardId id = s.id();
      b.addReplicas(ReplicaStatus.newBuilder()
          .setShard(ShardRef.newBuilder().setCollectionUuid(id.collection().toString()).setShard(id.shard()))
          .setRole("voter")
          .setAppliedIndex(s.appliedIndex())
          .setPoints(s.size()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /**
   * The slice has no Raft: every replica applies every write before it is acknowledged, so its
   * applied index is also its read index (for STRONG). Raft replaces this with ReadIndex.
   */
  @Override
  public void shardIndex(ShardIndexRequest req, StreamObserver<ShardIndexResponse> out) {
    ShardIndexResponse.Builder b = ShardIndexResponse.newBuilder();
    for (ShardRef ref : req.getShardsList()) {
      ShardIndexEntry.Builder e = ShardIndexEntry.newBuilder().setShard(ref);
      replicas.find(ShardMessages.shard(ref)).ifPresent(s -> e.setHosted(true).setIndex(s.appliedIndex()));
      b.addEntries(e);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /** The hosted replica, refused with BEHIND when a SESSION read needs more than it has applied. */
  private LocalShard readable(ShardRef ref, ShardReadLevel level) {
    LocalShard shard = replicas.require(ShardMessages.shard(ref));
    long applied = shard.appliedIndex();
    if (level.getMinIndex() > applied) {
      throw new QuiverException(ErrorCode.BEHIND, "replica of shard " + shard.id() + " on " + self + " has applied "
          + applied + " but the read needs " + level.getMinIndex());
    }
    return shard;
  }

  private static List<PointId> ids(String field, List<io.quiver.proto.v1.PointId> ids) {
    List<PointId> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(WireValues.pointId(field + "[" + i + "]", ids.get(i)));
    }
    return out;
  }
}
