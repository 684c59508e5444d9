package io.quiver.datanode.admin;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.hosting.HostedReplicas;
import io.quiver.datanode.raft.GroupConfiguration;
import io.quiver.datanode.raft.ReplicaStatus;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.raft.ShardPeer;
import io.quiver.proto.v1.internal.RaftPeer;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data node's side of the coordinator's membership changes. Every request passes the
 * {@link EpochGuard} first, so a deposed coordinator changes nothing here; the change itself is
 * Ratis's compare-and-set configuration (see {@code ShardMembership}), sent to the local division,
 * which must lead the group (else NOT_LEADER). Nodes are named by node id; the Raft peer whose id
 * is {@code <node-id>@<storage>} is the one meant.
 */
public final class ReplicaAdmin {
  private static final Logger log = LoggerFactory.getLogger(ReplicaAdmin.class);

  private final NodeId self;
  private final ShardGroups groups;
  private final HostedReplicas replicas;
  private final EpochGuard epochs;
  private final Duration timeout;

  public ReplicaAdmin(NodeId self, ShardGroups groups, HostedReplicas replicas, EpochGuard epochs, Duration timeout) {
    this.self = self;
    this.groups = groups;
    this.replicas = replicas;
    this.epochs = epochs;
    this.timeout = timeout;
  }

  /**
   * @throws QuiverException STALE_EPOCH from a deposed coordinator, NOT_LEADER when a change is
   *     sent to a replica that does not lead, FAILED_PRECONDITION when the group is not as asked
   */
  public ReplicaAdminResponse handle(ShardId shard, ReplicaAdminRequest req) {
    try {
      epochs.admit(req.getCoordinatorEpoch());
    } catch (QuiverException e) {
      if (e.code() == ErrorCode.STALE_EPOCH) {
        log.warn("shard {}: {} refused: {}", shard, req.getActionCase(), e.getMessage());
      }
      throw e;
    }
    return switch (req.getActionCase()) {
      case DESCRIBE -> describe(shard);
      case ADD -> {
        for (RaftPeer p : req.getAdd().getLearnersList()) {
          if (find(groups.configuration(shard), p.getNodeId()).isEmpty()) {
            await(groups.membership().addLearner(shard, new ShardPeer(peerId(p), p.getRaftAddress()), timeout));
          }
        }
        yield done(shard, "learners " + req.getAdd().getLearnersList().stream().map(RaftPeer::getNodeId).toList()
            + " in the group", req);
      }
      case PROMOTE -> {
        GroupConfiguration now = groups.configuration(shard);
        String node = req.getPromote().getNodeId();
        if (find(now.voters(), node).isEmpty()) {
          ShardPeer learner = find(now.listeners(), node).orElseThrow(() -> new QuiverException(
              ErrorCode.FAILED_PRECONDITION, "shard " + shard + ": " + node + " is not a learner of the group " + now));
          await(groups.membership().promote(shard, learner.peerId(), timeout));
        }
        yield done(shard, node + " votes", req);
      }
      case REMOVE -> {
        String node = req.getRemove().getNodeId();
        Optional<ShardPeer> member = find(groups.configuration(shard), node);
        if (member.isPresent()) {
          await(groups.membership().remove(shard, member.get().peerId(), timeout));
        }
        yield done(shard, node + " is not in the group", req);
      }
      case TRANSFER_LEADERSHIP -> {
        String node = req.getTransferLeadership().getToNodeId();
        ShardPeer to = find(groups.configuration(shard).voters(), node).orElseThrow(() -> new QuiverException(
            ErrorCode.FAILED_PRECONDITION, "shard " + shard + ": " + node + " is not a voter of the group"));
        await(groups.membership().transferLeadership(shard, to.peerId(), timeout));
        yield done(shard, node + " leads", req);
      }
      case DROP_LOCAL -> {
        Optional<ReplicaStatus> s = groups.status(shard);
        if (s.isPresent() && s.get().role().equals("LEADER")) {
          throw new QuiverException(ErrorCode.FAILED_PRECONDITION,
              "shard " + shard + ": the replica on " + self + " leads its group; transfer leadership and remove it first");
        }
        replicas.release(shard);
        yield done(shard, "replica on " + self + " deleted", req);
      }
      case RECOVER_ALONE -> {
        ShardGroups.Recovery r = replicas.recoverAlone(shard);
        log.warn("shard {}: recreated alone on {} from its rows at applied index {}, {} entries of the old log"
            + " proposed again (coordinator epoch {})", shard, self, r.keptIndex(), r.reproposed(),
            req.getCoordinatorEpoch());
        yield ReplicaAdminResponse.newBuilder().setOk(true).setHosted(true).setRole("LEADER")
            .setAppliedIndex(r.keptIndex()).setReproposedEntries(r.reproposed())
            .setDetail("shard " + shard + " recreated with " + self + " as its only voter").build();
      }
      case ACTION_NOT_SET -> throw QuiverException.invalid(
          "action is missing: give add, remove, transfer_leadership, promote, describe, drop_local or recover_alone");
    };
  }

  private ReplicaAdminResponse describe(ShardId shard) {
    Optional<ReplicaStatus> status = groups.status(shard);
    ReplicaAdminResponse.Builder b = ReplicaAdminResponse.newBuilder().setOk(true).setHosted(status.isPresent());
    if (status.isEmpty()) {
      return b.setDetail("shard " + shard + " is not hosted on " + self).build();
    }
    ReplicaStatus s = status.get();
    GroupConfiguration conf = groups.configuration(shard);
    b.setRole(s.role()).setAppliedIndex(s.appliedIndex()).setCommitIndex(s.commitIndex());
    if (s.leaderPeerId() != null) {
      b.setLeaderPeerId(s.leaderPeerId());
    }
    conf.voters().forEach(p -> b.addVoters(wire(p)));
    conf.listeners().forEach(p -> b.addLearners(wire(p)));
    return b.build();
  }

  private ReplicaAdminResponse done(ShardId shard, String detail, ReplicaAdminRequest req) {
    log.info("shard {}: {} (coordinator epoch {})", shard, detail, req.getCoordinatorEpoch());
    return ReplicaAdminResponse.newBuilder().setOk(true).setDetail(detail).build();
  }

  private static RaftPeer wire(ShardPeer p) {
    return RaftPeer.newBuilder().setNodeId(nodeOf(p.peerId())).setPeerId(p.peerId()).setRaftAddress(p.address()).build();
  }

  /** The node id of a peer id {@code node@storage}. */
  public static String nodeOf(String peerId) {
    int at = peerId.indexOf('@');
    return at < 0 ? peerId : peerId.substring(0, at);
  }

  private static String peerId(RaftPeer p) {
    if (!p.getPeerId().isEmpty()) {
      return p.getPeerId();
    }
    throw QuiverException.invalid("raft peer of node " + p.getNodeId() + " has no peer_id");
  }

  private static Optional<ShardPeer> find(GroupConfiguration conf, String node) {
    Optional<ShardPeer> v = find(conf.voters(), node);
    return v.isPresent() ? v : find(conf.listeners(), node);
  }

  private static Optional<ShardPeer> find(List<ShardPeer> peers, String node) {
    return peers.stream().filter(p -> nodeOf(p.peerId()).equals(node)).findFirst();
  }

  private void await(CompletableFuture<Void> change) {
    try {
      change.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof QuiverException q) {
        throw q;
      }
      throw new QuiverException(ErrorCode.UNAVAILABLE, "membership change failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new QuiverException(ErrorCode.DEADLINE_EXCEEDED, "membership change did not finish within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(ErrorCode.UNAVAILABLE, "interrupted during a membership change", e);
    }
  }
}
