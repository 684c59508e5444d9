package io.quiver.coordinator.membership;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.FenceRefusals;
import io.quiver.proto.v1.internal.AddReplica;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link Move} as ARCHITECTURE.md orders it: the placement names the new node a
 * learner (its node creates the replica), the shard's leader admits it as a Ratis listener, it
 * catches up, the leader promotes it, leadership leaves the old replica, the leader removes the
 * old peer, the placement records the new voters, and the old node deletes its replica. Every
 * step is idempotent, so a move cut short by a failover is finished by running it again.
 *
 * <p>A move runs under the fence of the epoch it started in: every placement write checks that
 * epoch in ZooKeeper and every request carries it, so a coordinator deposed mid-move (a pause past
 * its session) is refused by ZooKeeper and by the data nodes, not only by its own leadership check.
 */
public final class ShardMover {
  private static final Logger log = LoggerFactory.getLogger(ShardMover.class);
  private static final long POLL_MILLIS = 200;

  private final Catalog catalog;
  private final ReplicaAdminClient admin;
  private final MembershipSettings settings;

  public ShardMover(Catalog catalog, ChannelPool channels, FenceRefusals refusals, MembershipSettings settings) {
    this.catalog = catalog;
    this.admin = new ReplicaAdminClient(channels, refusals);
    this.settings = settings;
  }

  ReplicaAdminClient admin() {
    return admin;
  }

  /** Runs {@code move} to the end under {@code fence}; {@code live} are the leases now. */
  public void run(Move move, Map<NodeId, NodeLease> live, Fence fence) throws InterruptedException {
    log.info("move {} starts", move);
    if (move.to() != null) {
      NodeLease to = require(live, move.to());
      updatePlacement(move, fence, "learner-placement",
          s -> s.hosts(move.to()) ? null : new ShardPlacement(s.shard(), s.voters(), plus(s.learners(), move.to())));
      await("replica on " + move.to() + " created", () -> describe(to, move, fence).getHosted());
      change(leader(move, live, fence), move, fence, "add", b -> b.setAdd(AddReplica.newBuilder()
          .addLearners(RaftPeer.newBuilder()
              .setNodeId(to.nodeId().value()).setPeerId(to.raftPeerId()).setRaftAddress(to.raftAddress()))));
      await("replica on " + move.to() + " caught up", () -> {
        NodeLease l = leader(move, live, fence);
        return describe(to, move, fence).getAppliedIndex() + settings.catchUpGap() >= describe(l, move, fence).getCommitIndex();
      });
      change(leader(move, live, fence), move, fence, "promote",
          b -> b.setPromote(PromoteReplica.newBuilder().setNodeId(move.to().value())));
    }
    if (move.from() != null) {
      NodeLease leader = leader(move, live, fence);
      if (leader.nodeId().equals(move.from())) {
        NodeId heir = heir(move, voters(describe(leader, move, fence)), live, fence);
        change(leader, move, fence, "transfer",
            b -> b.setTransferLeadership(TransferLeadership.newBuilder().setToNodeId(heir.value())));
        await("leadership moved off " + move.from(), () -> !leader(move, live, fence).nodeId().equals(move.from()));
      }
      change(leader(move, live, fence), move, fence, "remove",
          b -> b.setRemove(RemoveReplica.newBuilder().setNodeId(move.from().value())));
    }
    updatePlacement(move, fence, "voters-placement", s -> {
      List<NodeId> voters = new ArrayList<>(s.voters());
      voters.remove(move.from());
      if (move.to() != null && !voters.contains(move.to())) {
        voters.add(move.to());
      }
      List<NodeId> learners = new ArrayList<>(s.learners());
      learners.remove(move.to());
      learners.remove(move.from()); // a learner no longer wanted leaves as a move with no "to"
      return new ShardPlacement(s.shard(), voters, learners);
    });
    if (move.from() != null && live.containsKey(move.from())) {
      try {
        admin.call(live.get(move.from()), shard(move), fence, "move " + move,
            b -> b.setDropLocal(DropLocalReplica.getDefaultInstance()));
      } catch (QuiverException e) {
        log.warn("move {}: deleting the old replica on {} failed, it is collected later: {}", move, move.from(), e.getMessage());
      }
    }
    log.info("move {} done", move);
  }

  /** The shard's leader, as a live voter reports it. */
  NodeLease leader(Move move, Map<NodeId, NodeLease> live, Fence fence) {
    ShardPlacement s = catalog.get(move.collection()).placement().shard(move.shard());
    return admin.leader(shard(move), s.voters(), live, fence, "move " + move);
  }

  /**
   * A voter other than the leaving one that runs as a follower: the membership comes from the
   * leader's configuration, the role from the replica itself (one that runs as a listener cannot
   * take leadership).
   */
  private NodeId heir(Move move, List<NodeId> voters, Map<NodeId, NodeLease> live, Fence fence) {
    List<String> seen = new ArrayList<>();
    for (NodeId n : voters) {
      if (n.equals(move.from()) || !live.containsKey(n)) {
        continue;
      }
      try {
        String role = describe(live.get(n), move, fence).getRole();
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

  private ReplicaAdminResponse describe(NodeLease node, Move move, Fence fence) {
    return admin.describe(node, shard(move), fence, "move " + move);
  }

  /** A membership change: the one kind of request a test can hold (see {@link TestHolds}). */
  private void change(NodeLease node, Move move, Fence fence, String step, Consumer<ReplicaAdminRequest.Builder> action)
      throws InterruptedException {
    TestHolds.before(step, move.toString(), fence);
    admin.call(node, shard(move), fence, "move " + move, action);
  }

  private void updatePlacement(Move move, Fence fence, String step, Function<ShardPlacement, ShardPlacement> change)
      throws InterruptedException {
    while (true) {
      CollectionPlacement p = catalog.get(move.collection()).placement();
      ShardPlacement next = change.apply(p.shard(move.shard()));
      if (next == null || next.equals(p.shard(move.shard()))) {
        return;
      }
      List<ShardPlacement> shards = new ArrayList<>(p.shards());
      shards.set(move.shard(), next);
      TestHolds.before(step, move.toString(), fence);
      try {
        catalog.writePlacement(fence, move.collection(), p.version(), new CollectionPlacement(shards, p.version()));
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
        if (e.code() == ErrorCode.STALE_EPOCH) {
          throw e; // deposed: waiting longer changes nothing
        }
        last = e;
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new QuiverException(ErrorCode.DEADLINE_EXCEEDED, "waited " + settings.moveTimeout() + " for " + what
        + (last == null ? "" : "; last error: " + last.getMessage()), last);
  }

  private static ShardId shard(Move move) {
    return new ShardId(move.uuid(), move.shard());
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
}
