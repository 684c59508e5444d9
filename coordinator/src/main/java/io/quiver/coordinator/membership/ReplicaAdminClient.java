package io.quiver.coordinator.membership;

import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.FenceRefusals;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.DescribeGroup;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the data nodes' ReplicaAdmin RPC. Every request carries the epoch of
 * the fence its caller works under, never a fresher one, so the data node is the judge of a
 * coordinator deposed mid-work; its STALE_EPOCH answers are counted in {@link FenceRefusals}.
 */
final class ReplicaAdminClient {
  private static final Logger log = LoggerFactory.getLogger(ReplicaAdminClient.class);
  private static final long RPC_MILLIS = 30_000;

  /** A shard's Raft configuration as its leader describes it, by node id. */
  record GroupView(NodeLease leader, List<NodeId> voters, List<NodeId> learners) {
    GroupView {
      voters = List.copyOf(voters);
      learners = List.copyOf(learners);
    }

    boolean member(NodeId n) {
      return voters.contains(n) || learners.contains(n);
    }
  }

  private final ChannelPool channels;
  private final FenceRefusals refusals;

  ReplicaAdminClient(ChannelPool channels, FenceRefusals refusals) {
    this.channels = channels;
    this.refusals = refusals;
  }

  /**
   * One request to {@code node} about {@code shard}; {@code what} names the caller's work in errors.
   *
   * @throws QuiverException STALE_EPOCH when the node has seen a newer coordinator, else UNAVAILABLE
   */
  ReplicaAdminResponse call(NodeLease node, ShardId shard, Fence fence, String what,
      Consumer<ReplicaAdminRequest.Builder> action) {
    ReplicaAdminRequest.Builder b = ReplicaAdminRequest.newBuilder()
        .setCoordinatorEpoch(fence.epoch())
        .setShard(ShardRef.newBuilder().setCollectionUuid(shard.collection().toString()).setShard(shard.shard()));
    action.accept(b);
    try {
      return DataNodeGrpc.newBlockingStub(channels.channel(node.address()))
          .withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS)
          .replicaAdmin(b.build());
    } catch (StatusRuntimeException e) {
      String detail = what + ": " + b.getActionCase() + " on " + node.nodeId() + ": " + e.getStatus().getCode() + " "
          + e.getStatus().getDescription();
      if (GrpcErrors.toQuiver(e).code() == ErrorCode.STALE_EPOCH) {
        refusals.refusedByDataNode();
        throw new QuiverException(ErrorCode.STALE_EPOCH, detail, e);
      }
      throw new QuiverException(ErrorCode.UNAVAILABLE, detail, e);
    }
  }

  ReplicaAdminResponse describe(NodeLease node, ShardId shard, Fence fence, String what) {
    return call(node, shard, fence, what, b -> b.setDescribe(DescribeGroup.getDefaultInstance()));
  }

  /**
   * The shard's leader, as the first of {@code replicas} that is live and knows one reports it.
   *
   * @throws QuiverException UNAVAILABLE when no live replica knows a live leader
   */
  NodeLease leader(ShardId shard, Collection<NodeId> replicas, Map<NodeId, NodeLease> live, Fence fence, String what) {
    for (NodeId n : replicas) {
      NodeLease l = live.get(n);
      if (l == null) {
        continue;
      }
      try {
        ReplicaAdminResponse r = describe(l, shard, fence, what);
        if (r.getHosted() && !r.getLeaderPeerId().isEmpty()) {
          NodeId leader = new NodeId(nodeOf(r.getLeaderPeerId()));
          if (live.containsKey(leader)) {
            return live.get(leader);
          }
        }
      } catch (QuiverException e) {
        if (e.code() == ErrorCode.STALE_EPOCH) {
          throw e; // deposed: asking the others changes nothing
        }
        log.debug("{}: {} did not describe the group: {}", what, n, e.getMessage());
      }
    }
    throw new QuiverException(ErrorCode.UNAVAILABLE, what + ": no live replica knows a leader");
  }

  /**
   * The group's configuration as its leader states it (the leader asked itself, so a stale
   * leader hint is not taken for the truth), or empty while the group has no reachable leader.
   */
  Optional<GroupView> view(ShardId shard, Collection<NodeId> replicas, Map<NodeId, NodeLease> live, Fence fence,
      String what) {
    NodeLease leader;
    try {
      leader = leader(shard, replicas, live, fence, what);
    } catch (QuiverException e) {
      if (e.code() == ErrorCode.STALE_EPOCH) {
        throw e;
      }
      return Optional.empty();
    }
    ReplicaAdminResponse r = describe(leader, shard, fence, what);
    if (!r.getHosted() || !r.getRole().equals("LEADER")) {
      return Optional.empty();
    }
    return Optional.of(new GroupView(leader, nodes(r.getVotersList()), nodes(r.getLearnersList())));
  }

  private static List<NodeId> nodes(List<io.quiver.proto.v1.internal.RaftPeer> peers) {
    Set<NodeId> out = new LinkedHashSet<>();
    peers.forEach(p -> out.add(new NodeId(p.getNodeId())));
    return List.copyOf(out);
  }

  static String nodeOf(String peerId) {
    int at = peerId.indexOf('@');
    return at < 0 ? peerId : peerId.substring(0, at);
  }
}
