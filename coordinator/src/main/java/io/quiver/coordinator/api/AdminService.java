package io.quiver.coordinator.api;

import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.coordinator.election.Leadership;
import io.quiver.coordinator.membership.MembershipController;
import io.quiver.coordinator.membership.MembershipSettings;
import io.quiver.coordinator.membership.Move;
import io.quiver.coordinator.membership.ShardRecovery;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.DrainRequest;
import io.quiver.proto.v1.ExportShardChunk;
import io.quiver.proto.v1.ExportShardRequest;
import io.quiver.proto.v1.NodeStatus;
import io.quiver.proto.v1.RebalancePlanResponse;
import io.quiver.proto.v1.RebalanceRequest;
import io.quiver.proto.v1.RecoverShardRequest;
import io.quiver.proto.v1.RecoverShardResponse;
import io.quiver.proto.v1.ReplicaMove;
import io.quiver.proto.v1.UndrainRequest;
import io.quiver.proto.v1.internal.NodeStatusResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public Admin API on the leading coordinator: cluster status, rebalance plan and apply, drain,
 * undrain, and the recovery of a shard that lost its majority. (ExportShard is the query nodes'.)
 */
public final class AdminService extends AdminGrpc.AdminImplBase {

  private final Catalog catalog;
  private final Leadership leadership;
  private final String nodeId;
  private final ReplicaStatusProbe probe;
  private final MembershipController membership;

  public AdminService(Catalog catalog, Leadership leadership, String nodeId, ReplicaStatusProbe probe,
      MembershipController membership) {
    this.membership = membership;
    this.probe = probe;
    this.catalog = catalog;
    this.leadership = leadership;
    this.nodeId = nodeId;
  }

  @Override
  public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> out) {
    long epoch = leadership.fence().epoch();
    List<Catalog.Collection> collections =
        catalog.list().stream().map(e -> catalog.get(e.name())).toList();
    Map<NodeId, Integer> replicas = new HashMap<>();
    for (Catalog.Collection c : collections) {
      c.placement().shards().forEach(s -> {
        s.voters().forEach(n -> replicas.merge(n, 1, Integer::sum));
        s.learners().forEach(n -> replicas.merge(n, 1, Integer::sum));
      });
    }
    ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder()
        .setCoordinatorLeader(nodeId)
        .setCoordinatorEpoch(epoch)
        .setCollections(collections.size())
        .setMovesInProgress(membership.movesInProgress())
        .setMovesDone(membership.movesDone())
        .setMovesTotal(membership.movesTotal())
        .setBytesCopied(membership.bytesCopied());
    // Which replicas each node leads, as its Raft groups say; a node that does not answer leads none.
    Map<NodeId, NodeStatusResponse> status = probe.nodes(catalog.leases());
    for (NodeLease l : catalog.leases()) {
      NodeStatusResponse s = status.getOrDefault(l.nodeId(), NodeStatusResponse.getDefaultInstance());
      int leaders = (int) s.getReplicasList().stream().filter(r -> r.getRole().equals("leader")).count();
      b.addNodes(NodeStatus.newBuilder()
          .setLeaders(leaders)
          .setMemoryUsedBytes(s.getMemoryUsedBytes())
          .setMemoryBudgetBytes(s.getMemoryBudgetBytes())
          .setDiskUsedBytes(s.getDiskUsedBytes())
          .setDiskBudgetBytes(s.getDiskBudgetBytes())
          .setNodeId(l.nodeId().value())
          .setRole("data-node")
          .setAddress(l.address())
          .setLive(true)
          .setZone(l.zone())
          .setCapacity(l.capacity())
          .setIncarnation(l.incarnation())
          .setReplicas(replicas.getOrDefault(l.nodeId(), 0)));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /**
   * Per-request limits are not carried into the plan yet: refuse them rather than ignore them, so
   * an operator who asks for a slower rebalance does not get the coordinator's default speed.
   */
  private static void refuseLimits(long maxBytesPerSecond, int maxConcurrentMoves) {
    if (maxBytesPerSecond != 0 || maxConcurrentMoves != 0) {
      throw QuiverException.invalid("max_bytes_per_second=" + maxBytesPerSecond + ", max_concurrent_moves="
          + maxConcurrentMoves + ": per-request limits are not supported yet; set "
          + MembershipSettings.MAX_BYTES_PER_SECOND + " and " + MembershipSettings.MAX_CONCURRENT_MOVES
          + " on the coordinator");
    }
  }

  @Override
  public void rebalancePlan(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    out.onNext(response(membership.plan(req.getCollection(), Set.of()), ""));
    out.onCompleted();
  }

  @Override
  public void rebalanceApply(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    refuseLimits(req.getMaxBytesPerSecond(), req.getMaxConcurrentMoves());
    List<Move> plan = membership.plan(req.getCollection(), Set.of());
    out.onNext(response(plan, membership.apply(plan)));
    out.onCompleted();
  }

  @Override
  public void drain(DrainRequest req, StreamObserver<RebalancePlanResponse> out) {
    refuseLimits(req.getMaxBytesPerSecond(), req.getMaxConcurrentMoves());
    NodeId node = nodeId(req.getNodeId());
    List<Move> plan = membership.plan("", Set.of(node));
    out.onNext(response(plan, membership.drain(node)));
    out.onCompleted();
  }

  @Override
  public void undrain(UndrainRequest req, StreamObserver<RebalancePlanResponse> out) {
    NodeId node = nodeId(req.getNodeId());
    String planId = membership.undrain(node);
    out.onNext(response(membership.plan("", Set.of()), planId));
    out.onCompleted();
  }

  @Override
  public void recoverShard(RecoverShardRequest req, StreamObserver<RecoverShardResponse> out) {
    if (!req.getAcceptDataLoss()) {
      throw QuiverException.invalid("accept_data_loss: false; recovering " + req.getCollection() + "/" + req.getShard()
          + " from " + req.getFromNodeId() + " loses every write that node had not applied: set it to true to accept"
          + " that (--accept-data-loss)");
    }
    if (req.getCollection().isEmpty()) {
      throw QuiverException.invalid("collection: empty; name the collection whose shard lost its majority");
    }
    NodeId from = nodeId("from_node_id", req.getFromNodeId());
    ShardRecovery.Result r = membership.recoverShard(req.getCollection(), req.getShard(), from);
    RecoverShardResponse.Builder b = RecoverShardResponse.newBuilder().setCollection(r.collection())
        .setShard(r.shard()).setSurvivorNodeId(r.survivor().value()).setSurvivorAppliedIndex(r.survivorAppliedIndex())
        .setReproposedEntries(r.reproposed());
    r.lastKnownCommitIndex().ifPresent(b::setLastKnownCommitIndex);
    r.dropped().forEach(n -> b.addDroppedNodeIds(n.value()));
    long kept = r.survivorAppliedIndex() + r.reproposed();
    String loss = r.lastKnownCommitIndex().isEmpty()
        ? "no other replica answered, so how many writes were lost is unknown: any committed after log index "
            + kept + " are gone"
        : r.lastKnownCommitIndex().getAsLong() > kept
            ? "writes committed between log index " + kept + " and " + r.lastKnownCommitIndex().getAsLong()
                + " (the highest commit index another replica reported) may be lost"
            : "no other replica reported a commit index past the survivor's " + kept + ": nothing known was lost";
    out.onNext(b.setDetail(r.collection() + "/" + r.shard() + " recreated with " + r.survivor()
        + " as its only voter, from its rows at log index " + r.survivorAppliedIndex() + " (" + r.reproposed()
        + " later entries of its log proposed again); " + loss + ". Dropped from the placement: " + r.dropped()
        + ". Once enough data nodes are live, `quiver admin rebalance --apply` adds replicas back up to the"
        + " replication factor").build());
    out.onCompleted();
  }

  /** Exports stream from the replicas through query nodes; a coordinator does not route points. */
  @Override
  public void exportShard(ExportShardRequest req, StreamObserver<ExportShardChunk> out) {
    throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "ExportShard is served by query nodes, not by"
        + " coordinator " + nodeId + ": point the client at a query node");
  }

  private static NodeId nodeId(String value) {
    return nodeId("node_id", value);
  }

  private static NodeId nodeId(String field, String value) {
    try {
      return new NodeId(value);
    } catch (IllegalArgumentException e) {
      throw QuiverException.invalid(field + ": " + e.getMessage());
    }
  }


  private static RebalancePlanResponse response(List<Move> plan, String planId) {
    RebalancePlanResponse.Builder b = RebalancePlanResponse.newBuilder().setPlanId(planId);
    for (Move m : plan) {
      ReplicaMove.Builder r = ReplicaMove.newBuilder().setCollection(m.collection()).setShard(m.shard());
      if (m.from() != null) {
        r.setFromNode(m.from().value());
      }
      if (m.to() != null) {
        r.setToNode(m.to().value());
      }
      b.addMoves(r);
    }
    return b.build();
  }
}
