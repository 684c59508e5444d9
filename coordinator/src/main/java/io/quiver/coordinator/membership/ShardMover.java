package io.quiver.coordinator.membership;

import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.election.Leadership;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.internal.AddReplica;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.DescribeGroup;
import io.quiver.proto.v1.internal.DropLocalReplica;
import io.quiver.proto.v1.internal.PromoteReplica;
import io.quiver.proto.v1.internal.RaftPeer;
import io.quiver.proto.v1.internal.RemoveReplica;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import io.quiver.proto.v1.internal.TransferLeadership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link Move} as ARCHITECTURE.md orders it: the placement names the new node a
 * learner (its node creates the replica), the shard's leader admits it as a Ratis listener, it
 * catches up, the leader promotes it, leadership leaves the old replica, the leader removes the
 * old peer, the placement records the new voters, and the old node deletes its replica. Every
 * step is idempotent, so a move cut short by a failover is finished by running it again. Every
 * request carries the coordinator epoch; the data nodes refuse a deposed coordinator's.
 */
public final class ShardMover {
  private static final Logger log = LoggerFactory.getLogger(ShardMover.class);
  private static final long POLL_MILLIS = 200;
  private static final long RPC_MILLIS = 30_000;

  private final Catalog catalog;
  private final Leadership leadership;
  private final ChannelPool channels;
  private final MembershipSettings settings;

  public ShardMover(Catalog catalog, Leadership leadership, ChannelPool channels, MembershipSettings settings) {
    this.catalog = catalog;
    this.leadership = leadership;
    this.channels = channels;
    this.settings = settings;
  }

  /** Runs {@code move} to the end; {@code live} are the leases now. */
  public void run(Move move, Map<NodeId, NodeLease> live) throws InterruptedException {
    log.info("move {} starts", move);
    if (move.to() != null) {
      NodeLease to = require(live, move.to());
      updatePlacement(move, s -> s.hosts(move.to()) ? null : new ShardPlacement(s.shard(), s.voters(), plus(s.learners(), move.to())));
      await("replica on " + move.to() + " created", () -> describe(to, move).getHosted());
      NodeLease leader = leader(move, live);
      admin(leader, move, b -> b.setAdd(AddReplica.newBuilder().addLearners(RaftPeer.newBuilder()
          .setNodeId(to.nodeId().value()).setPeerId(to.raftPeerId()).setRaftAddress(to.raftAddress()))));
      await("replica on " + move.to() + " caught up", () -> {
        NodeLease l = leader(move, live);
        return describe(to, move).getAppliedIndex() + settings.catchUpGap() >= describe(l, move).getCommitIndex();
      });
      admin(leader(move, live), move, b -> b.setPromote(PromoteReplica.newBuilder().setNodeId(move.to().value())));
    }
    if (move.from() != null) {
      NodeLease leader = leader(move, live);
      if (leader.nodeId().equals(move.from())) {
        NodeId heir = heir(move, voters(describe(leader, move)), live);
        admin(leader, move, b -> b.setTransferLeadership(TransferLeadership.newBuilder().setToNodeId(heir.value())));
        await("leadership moved off " + move.from(), () -> !leader(move, live).nodeId().equals(move.from()));
      }
      admin(leader(move, live), move, b -> b.setRemove(RemoveReplica.newBuilder().setNodeId(move.from().value())));
    }
    updatePlacement(move, s -> {
      List<NodeId> voters = new ArrayList<>(s.voters());
      voters.remove(move.from());
      if (move.to() != null && !voters.contains(move.to())) {
        voters.add(move.to());
      }
      List<NodeId> learners = new ArrayList<>(s.learners());
      learners.remove(move.to());
      return new ShardPlacement(s.shard(), voters, learners);
    });
    if (move.from() != null && live.containsKey(move.from())) {
      try {
        admin(live.get(move.from()), move, b -> b.setDropLocal(DropLocalReplica.getDefaultInstance()));
      } catch (QuiverException e) {
        log.warn("move {}: deleting the old replica on {} failed, it is collected later: {}", move, move.from(), e.getMessage());
      }
    }
    log.info("move {} done", move);
  }

  /** The shard's leader, as a live replica reports it. */
  NodeLease leader(Move move, Map<NodeId, NodeLease> live) {
    ShardPlacement s = catalog.get(move.collection()).placement().shard(move.shard());
    for (NodeId n : s.voters()) {
      NodeLease l = live.get(n);
      if (l == null) {
        continue;
      }
      try {
        ReplicaAdminResponse r = describe(l, move);
        if (r.getHosted() && !r.getLeaderPeerId().isEmpty()) {
          NodeId leader = new NodeId(nodeOf(r.getLeaderPeerId()));
          if (live.containsKey(leader)) {
            return live.get(leader);
          }
        }
      } catch (QuiverException e) {
        log.debug("move {}: {} did not describe the group: {}", move, n, e.getMessage());
      }
    }
    throw new QuiverException(ErrorCode.UNAVAILABLE, "move " + move + ": no live replica knows a leader");
  }

  /**
   * A voter other than the leaving one that runs as a follower: the membership comes from the
   * leader's configuration, the role from the replica itself (one that runs as a listener cannot
   * take leadership).
   */
  private NodeId heir(Move move, List<NodeId> voters, Map<NodeId, NodeLease> live) {
    List<String> seen = new ArrayList<>();
    for (NodeId n : voters) {
      if (n.equals(move.from()) || !live.containsKey(n)) {
        continue;
      }
      try {
        String role = describe(live.get(n), move).getRole();
        if (role.equals("FOLLOWER")) {
          return n;
        }
        seen.add(n + " " + role);
      } catch (QuiverException e) {
        seen.add(n + " " + e.getMessage());
      }
    }
    throw new QuiverException(ErrorCode.UNAVAILABLE, "move " + move + ": no other voter can take leadership: " + seen);
  }

  ReplicaAdminResponse describe(NodeLease node, Move move) {
    return admin(node, move, b -> b.setDescribe(DescribeGroup.getDefaultInstance()));
  }

  private ReplicaAdminResponse admin(NodeLease node, Move move, java.util.function.Consumer<ReplicaAdminRequest.Builder> action) {
    ReplicaAdminRequest.Builder b = ReplicaAdminRequest.newBuilder()
        .setCoordinatorEpoch(leadership.fence().epoch())
        .setShard(ShardRef.newBuilder().setCollectionUuid(move.uuid().toString()).setShard(move.shard()));
    action.accept(b);
    try {
      return DataNodeGrpc.newBlockingStub(channels.channel(node.address()))
          .withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS)
          .replicaAdmin(b.build());
    } catch (StatusRuntimeException e) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, "move " + move + ": " + b.getActionCase() + " on "
          + node.nodeId() + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    }
  }

  private void updatePlacement(Move move, java.util.function.Function<ShardPlacement, ShardPlacement> change) {
    while (true) {
      CollectionPlacement p = catalog.get(move.collection()).placement();
      ShardPlacement next = change.apply(p.shard(move.shard()));
      if (next == null || next.equals(p.shard(move.shard()))) {
        return;
      }
      List<ShardPlacement> shards = new ArrayList<>(p.shards());
      shards.set(move.shard(), next);
      try {
        catalog.writePlacement(move.collection(), p.version(), new CollectionPlacement(shards, p.version()));
        return;
      } catch (QuiverException e) {
        if (e.code() != ErrorCode.FAILED_PRECONDITION) {
          throw e; // deposed (STALE_EPOCH) or ZooKeeper down: stop here
        }
        // another shard's move wrote the placement meanwhile: read it again
      }
    }
  }

  private void await(String what, Supplier<Boolean> done) throws InterruptedException {
    long deadline = System.nanoTime() + settings.moveTimeout().toNanos();
    QuiverException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (done.get()) {
          return;
        }
      } catch (QuiverException e) {
        last = e;
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new QuiverException(ErrorCode.DEADLINE_EXCEEDED, "waited " + settings.moveTimeout() + " for " + what
        + (last == null ? "" : "; last error: " + last.getMessage()), last);
  }

  private static List<NodeId> voters(ReplicaAdminResponse r) {
    return r.getVotersList().stream().map(p -> new NodeId(p.getNodeId())).toList();
  }

  private static NodeLease require(Map<NodeId, NodeLease> live, NodeId n) {
    NodeLease l = live.get(n);
    if (l == null || !l.hasRaft()) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, "data node " + n + " holds no lease with a Raft address");
    }
    return l;
  }

  private static List<NodeId> plus(List<NodeId> l, NodeId n) {
    List<NodeId> out = new ArrayList<>(l);
    out.add(n);
    return out;
  }

  private static String nodeOf(String peerId) {
    int at = peerId.indexOf('@');
    return at < 0 ? peerId : peerId.substring(0, at);
  }
}
