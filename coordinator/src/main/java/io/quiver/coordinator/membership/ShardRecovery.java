package io.quiver.coordinator.membership;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.election.Fence;
import io.quiver.proto.v1.internal.RecoverAlone;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Admin.RecoverShard}: a shard whose Raft group lost a majority of its voters cannot elect,
 * so it is recreated from one surviving replica. The survivor's node recreates the group with
 * itself as the only voter (ReplicaAdmin {@code recover_alone}, epoch-checked), then the placement
 * says so (a fenced write); a rebalance ({@code quiver admin rebalance --apply}) then adds replicas
 * back up to the replication factor, learners that install the survivor's snapshot. Recovery is refused while the group still has a
 * leader: it is for majority loss only, and it may lose writes the survivor never applied.
 */
public final class ShardRecovery {
  private static final Logger log = LoggerFactory.getLogger(ShardRecovery.class);

  /** What a recovery did and what it may have lost. */
  public record Result(String collection, int shard, NodeId survivor, long survivorAppliedIndex, int reproposed,
      OptionalLong lastKnownCommitIndex, List<NodeId> dropped) {
    public Result {
      dropped = List.copyOf(dropped);
    }
  }

  private final Catalog catalog;
  private final ReplicaAdminClient admin;

  ShardRecovery(Catalog catalog, ReplicaAdminClient admin) {
    this.catalog = catalog;
    this.admin = admin;
  }

  /**
   * @throws QuiverException NOT_FOUND for an unknown collection, INVALID_ARGUMENT for a shard out
   *     of range or a node that holds no replica of it, FAILED_PRECONDITION while the group has a
   *     leader, UNAVAILABLE when the survivor's node has no lease or does not answer, STALE_EPOCH
   *     when this coordinator was deposed
   */
  Result recover(Fence fence, Map<NodeId, NodeLease> live, String collection, int shard, NodeId from) {
    Catalog.Collection c = catalog.get(collection);
    int shards = c.placement().shards().size();
    if (shard < 0 || shard >= shards) {
      throw QuiverException.invalid("shard: " + shard + " is out of range: collection '" + collection + "' has shards 0-"
          + (shards - 1));
    }
    ShardPlacement placed = c.placement().shard(shard);
    if (!placed.hosts(from)) {
      throw QuiverException.invalid("from_node_id: " + from + " holds no replica of " + collection + "/" + shard
          + " (voters " + placed.voters() + ", learners " + placed.learners() + ")");
    }
    NodeLease survivor = live.get(from);
    if (survivor == null) {
      throw QuiverException.unavailable("from_node_id: " + from + " holds no lease: start it (with its data) first");
    }
    ShardId id = new ShardId(c.entry().uuid(), shard);
    String what = "recover " + collection + "/" + shard;
    List<NodeId> members = new ArrayList<>(placed.voters());
    members.addAll(placed.learners());
    Optional<ReplicaAdminClient.GroupView> group = leaderView(id, members, live, fence, what);
    boolean alreadyAlone = group.isPresent() && group.get().voters().equals(List.of(from))
        && group.get().learners().isEmpty();
    if (group.isPresent() && !alreadyAlone) {
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION, collection + "/" + shard + " still has a leader, "
          + group.get().leader().nodeId() + ", with voters " + group.get().voters() + ": recover-shard is only for a"
          + " shard that lost a majority of its replicas; move replicas with drain or rebalance instead");
    }
    OptionalLong commit = lastKnownCommit(id, members, from, live, fence, what);
    ReplicaAdminResponse r = admin.call(survivor, id, fence, what, b -> b.setRecoverAlone(RecoverAlone.getDefaultInstance()));
    List<NodeId> dropped = members.stream().filter(n -> !n.equals(from)).toList();
    writeAlone(fence, collection, shard, from);
    log.warn("{}: recreated from {} at applied index {} ({} old entries proposed again); last known commit index {};"
        + " dropped from the placement: {}", what, from, r.getAppliedIndex(), r.getReproposedEntries(),
        commit.isPresent() ? commit.getAsLong() : "unknown", dropped);
    return new Result(collection, shard, from, r.getAppliedIndex(), r.getReproposedEntries(), commit, dropped);
  }

  /**
   * The group as a leader that answers describes it, or empty. Right after a loss the survivor
   * still names the old leader, whose lease outlives it by a ZooKeeper session: asking that leader
   * fails, and a leader that does not answer is no reachable leader.
   */
  private Optional<ReplicaAdminClient.GroupView> leaderView(ShardId id, List<NodeId> members,
      Map<NodeId, NodeLease> live, Fence fence, String what) {
    try {
      return admin.view(id, members, live, fence, what);
    } catch (QuiverException e) {
      if (e.code() == ErrorCode.STALE_EPOCH) {
        throw e;
      }
      log.info("{}: the leader a replica named does not answer: {}", what, e.getMessage());
      return Optional.empty();
    }
  }

  /** The highest commit index the other replicas that answer report, or empty when none does. */
  private OptionalLong lastKnownCommit(ShardId id, List<NodeId> members, NodeId from, Map<NodeId, NodeLease> live,
      Fence fence, String what) {
    OptionalLong best = OptionalLong.empty();
    for (NodeId n : members) {
      if (n.equals(from) || !live.containsKey(n)) {
        continue;
      }
      try {
        ReplicaAdminResponse d = admin.describe(live.get(n), id, fence, what);
        if (d.getHosted() && (best.isEmpty() || d.getCommitIndex() > best.getAsLong())) {
          best = OptionalLong.of(d.getCommitIndex());
        }
      } catch (QuiverException e) {
        if (e.code() == ErrorCode.STALE_EPOCH) {
          throw e;
        }
        log.info("{}: {} did not describe its replica: {}", what, n, e.getMessage());
      }
    }
    return best;
  }

  /** Placement: the survivor is the shard's only voter, no learners; read again if another write came between. */
  private void writeAlone(Fence fence, String collection, int shard, NodeId survivor) {
    ShardPlacement alone = new ShardPlacement(shard, List.of(survivor), List.of());
    while (true) {
      CollectionPlacement p = catalog.get(collection).placement();
      if (p.shard(shard).equals(alone)) {
        return;
      }
      List<ShardPlacement> shards = new ArrayList<>(p.shards());
      shards.set(shard, alone);
      try {
        catalog.writePlacement(fence, collection, p.version(), new CollectionPlacement(shards, p.version()));
        return;
      } catch (QuiverException e) {
        if (e.code() != ErrorCode.FAILED_PRECONDITION) {
          throw e;
        }
      }
    }
  }
}
