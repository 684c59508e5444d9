package io.quiver.coordinator.membership;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.coordinator.election.Fence;
import io.quiver.proto.v1.internal.DropLocalReplica;
import io.quiver.proto.v1.internal.ReplicaStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a coordinator that takes over does before it moves anything ("two records, one truth
 * each" in ARCHITECTURE.md): for every shard it asks the group's leader for its real configuration
 * and makes the placement agree with it — the group's voters become the placement's voters, and a
 * member the placement does not name becomes a learner — then deletes replicas that neither record
 * names any more (a move cut short between its Raft removal and its last step). The planner then
 * sees the truth: a move cut short resumes where it stopped, or, if the ring changed meanwhile,
 * the extra replica leaves.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final Catalog catalog;
  private final ReplicaAdminClient admin;
  private final ReplicaStatusProbe probe;
  private final AtomicLong corrected = new AtomicLong();
  private final AtomicLong strays = new AtomicLong();

  Reconciler(Catalog catalog, ReplicaAdminClient admin, ReplicaStatusProbe probe) {
    this.catalog = catalog;
    this.admin = admin;
    this.probe = probe;
  }

  /** Placements corrected to their group's configuration since start. */
  long corrected() {
    return corrected.get();
  }

  /** Replicas deleted because neither the placement nor the group named their node, since start. */
  long straysDeleted() {
    return strays.get();
  }

  /**
   * Reconciles the shards of {@code todo} and returns those to try again (no reachable leader,
   * or a write that failed).
   *
   * @throws QuiverException STALE_EPOCH when this coordinator was deposed meanwhile
   */
  Set<ShardId> reconcile(Fence fence, List<Catalog.Collection> all, Map<NodeId, NodeLease> live, Set<ShardId> todo) {
    Map<NodeId, Map<ShardId, ReplicaStatus>> hosted = probe.probe(live.values());
    Set<ShardId> again = new HashSet<>();
    for (Catalog.Collection c : all) {
      CollectionPlacement p = c.placement();
      List<ShardPlacement> agreed = new ArrayList<>(p.shards());
      Set<ShardId> done = new HashSet<>();
      Map<ShardId, ReplicaAdminClient.GroupView> views = new HashMap<>();
      for (ShardPlacement s : p.shards()) {
        ShardId id = new ShardId(c.entry().uuid(), s.shard());
        if (!todo.contains(id)) {
          continue;
        }
        Optional<ReplicaAdminClient.GroupView> group = admin.view(id, holders(s, id, hosted), live, fence,
            "reconcile " + id);
        if (group.isEmpty()) {
          again.add(id);
          continue;
        }
        ShardPlacement truth = agree(s, group.get());
        if (!truth.equals(s)) {
          log.warn("shard {}/{}: the placement said voters {} learners {}, its Raft group says voters {} learners {}:"
              + " placement corrected to voters {} learners {}", c.entry().name(), s.shard(), s.voters(), s.learners(),
              group.get().voters(), group.get().learners(), truth.voters(), truth.learners());
          agreed.set(s.shard(), truth);
        }
        done.add(id);
        views.put(id, group.get());
      }
      if (!agreed.equals(p.shards())) {
        try {
          catalog.writePlacement(fence, c.entry().name(), p.version(), new CollectionPlacement(agreed, p.version()));
          corrected.addAndGet(agreed.stream().filter(s -> !p.shards().contains(s)).count());
        } catch (QuiverException e) {
          if (e.code() == ErrorCode.STALE_EPOCH) {
            throw e;
          }
          log.warn("reconcile {}: writing the corrected placement failed, retried next tick: {}", c.entry().name(),
              e.getMessage());
          again.addAll(done);
          continue;
        }
      }
      for (ShardId id : done) {
        if (!deleteStrays(fence, c.entry().name(), id, agreed.get(id.shard()), views.get(id), hosted, live)) {
          again.add(id);
        }
      }
    }
    return again;
  }

  /** The placement made to agree with the group: same voters, every other member a learner. */
  static ShardPlacement agree(ShardPlacement s, ReplicaAdminClient.GroupView group) {
    List<NodeId> voters = new ArrayList<>(s.voters().stream().filter(group.voters()::contains).toList());
    group.voters().stream().filter(n -> !voters.contains(n)).forEach(voters::add);
    // Learners the group does not know yet stay: their move stopped before the group admitted them.
    List<NodeId> learners = new ArrayList<>(s.learners().stream().filter(n -> !voters.contains(n)).toList());
    group.learners().stream().filter(n -> !voters.contains(n) && !learners.contains(n)).forEach(learners::add);
    ShardPlacement out = new ShardPlacement(s.shard(), voters, learners);
    return out.voters().equals(s.voters()) && out.learners().equals(s.learners()) ? s : out;
  }

  /**
   * Between takeovers: deletes replicas that data nodes hold though neither the placement nor the
   * group names their node any more — a move whose last step failed because the old node was down,
   * or the superseded replica of a node that came back after it was replaced. Only shards the
   * caller is not moving may be given.
   *
   * @throws QuiverException STALE_EPOCH when this coordinator was deposed meanwhile
   */
  void collectStrays(Fence fence, List<Catalog.Collection> all, Map<NodeId, NodeLease> live) {
    Map<NodeId, Map<ShardId, ReplicaStatus>> hosted = probe.probe(live.values());
    for (Catalog.Collection c : all) {
      for (ShardPlacement s : c.placement().shards()) {
        ShardId id = new ShardId(c.entry().uuid(), s.shard());
        boolean stray = hosted.entrySet().stream().anyMatch(e -> e.getValue().containsKey(id) && !s.hosts(e.getKey()));
        if (stray) {
          admin.view(id, holders(s, id, hosted), live, fence, "collect " + id)
              .ifPresent(group -> deleteStrays(fence, c.entry().name(), id, s, group, hosted, live));
        }
      }
    }
  }

  /** The nodes that may know the group: the placement's and those that host a replica of it. */
  private static Set<NodeId> holders(ShardPlacement s, ShardId id, Map<NodeId, Map<ShardId, ReplicaStatus>> hosted) {
    Set<NodeId> holders = new LinkedHashSet<>(s.voters());
    holders.addAll(s.learners());
    hosted.forEach((n, replicas) -> {
      if (replicas.containsKey(id)) {
        holders.add(n);
      }
    });
    return holders;
  }

  /**
   * Deletes the replicas of {@code id} on nodes that neither the placement nor the group names;
   * false if one failed.
   */
  private boolean deleteStrays(Fence fence, String collection, ShardId id, ShardPlacement placement,
      ReplicaAdminClient.GroupView group, Map<NodeId, Map<ShardId, ReplicaStatus>> hosted,
      Map<NodeId, NodeLease> live) {
    boolean ok = true;
    for (Map.Entry<NodeId, Map<ShardId, ReplicaStatus>> e : hosted.entrySet()) {
      NodeId n = e.getKey();
      if (!e.getValue().containsKey(id) || placement.hosts(n) || group.member(n)) {
        continue;
      }
      try {
        admin.call(live.get(n), id, fence, "reconcile " + id, b -> b.setDropLocal(DropLocalReplica.getDefaultInstance()));
        strays.incrementAndGet();
        log.warn("shard {}/{}: deleted the replica on {}, which neither the placement nor the Raft group names",
            collection, id.shard(), n);
      } catch (QuiverException ex) {
        if (ex.code() == ErrorCode.STALE_EPOCH) {
          throw ex;
        }
        log.warn("shard {}/{}: deleting the stray replica on {} failed, retried next tick: {}", collection, id.shard(), n,
            ex.getMessage());
        ok = false;
      }
    }
    return ok;
  }
}
