package io.quiver.coordinator.membership;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.coordinator.election.Fence;
import io.quiver.proto.v1.internal.ReplicaStatus;
import io.quiver.proto.v1.internal.TransferLeadership;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership balance: each live data node should lead about 1/N of the shards. Raft elects
 * whichever replica times out first, and a node that restarts or returns leads nothing until an
 * election happens to pick it, so leaders (and with them every write and STRONG read index) pile
 * up on the nodes that stayed. While no replica moves, the leading coordinator asks the leader of a
 * shard on the busiest node to hand leadership to a follower on a node that leads at least two
 * fewer, at most {@link #MAX_TRANSFERS_PER_ROUND} per round: a transfer stalls its shard's writes
 * for a moment, so the cluster is evened out over a few rounds, not in one burst.
 */
final class LeaderBalancer {
  private static final Logger log = LoggerFactory.getLogger(LeaderBalancer.class);
  static final int MAX_TRANSFERS_PER_ROUND = 1;

  /** Leadership of {@code shard} goes from node {@code from} to its follower on {@code to}. */
  record Transfer(ShardId shard, NodeId from, NodeId to) {}

  private final ReplicaAdminClient admin;
  private final ReplicaStatusProbe probe;
  private final AtomicLong transfers = new AtomicLong();

  LeaderBalancer(ReplicaAdminClient admin, ReplicaStatusProbe probe) {
    this.admin = admin;
    this.probe = probe;
  }

  /** Leadership transfers asked since this coordinator started. */
  long transfers() {
    return transfers.get();
  }

  /**
   * One round: probes the live nodes, then asks for the planned transfers. A transfer that fails
   * is logged and left to the next round.
   *
   * @throws QuiverException STALE_EPOCH when this coordinator was deposed meanwhile
   */
  void balance(Fence fence, List<Catalog.Collection> all, Map<NodeId, NodeLease> live) {
    Map<NodeId, Map<ShardId, ReplicaStatus>> hosted = probe.probe(live.values());
    Map<ShardId, NodeId> leaders = new HashMap<>();
    Map<ShardId, Long> terms = new HashMap<>();
    Map<ShardId, List<NodeId>> followers = new HashMap<>();
    for (Catalog.Collection c : all) {
      for (ShardPlacement s : c.placement().shards()) {
        ShardId id = new ShardId(c.entry().uuid(), s.shard());
        for (NodeId n : s.voters()) {
          ReplicaStatus r = hosted.getOrDefault(n, Map.of()).get(id);
          if (r == null) {
            continue;
          }
          // A deposed leader may still say "leader" for a moment: the newest term wins.
          if (r.getRole().equals("leader") && r.getTerm() >= terms.getOrDefault(id, -1L)) {
            leaders.put(id, n);
            terms.put(id, r.getTerm());
          } else if (r.getRole().equals("follower")) {
            followers.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
          }
        }
      }
    }
    for (Transfer t : plan(leaders, followers, live.keySet(), MAX_TRANSFERS_PER_ROUND)) {
      try {
        admin.call(live.get(t.from()), t.shard(), fence, "balance leadership of " + t.shard(),
            b -> b.setTransferLeadership(TransferLeadership.newBuilder().setToNodeId(t.to().value())));
        transfers.incrementAndGet();
        log.info("shard {}: leadership moved from {} to {} to even out leaders per node", t.shard(), t.from(), t.to());
      } catch (QuiverException e) {
        if (e.code() == ErrorCode.STALE_EPOCH) {
          throw e;
        }
        log.info("shard {}: leadership stays on {} for now: {}", t.shard(), t.from(), e.getMessage());
      }
    }
  }

  /**
   * The transfers that even out the leaders per node, at most {@code max}: each takes a shard of
   * the node that leads the most and gives it to its follower on the node that leads the fewest,
   * when that one leads at least two fewer (one fewer is as even as whole shards allow).
   * Deterministic: ties go by node id and shard id.
   *
   * @param leaders the node leading each shard
   * @param followers each shard's followers (voters that do not lead), as the nodes report them
   * @param nodes the live data nodes, leading or not
   */
  static List<Transfer> plan(Map<ShardId, NodeId> leaders, Map<ShardId, List<NodeId>> followers, Set<NodeId> nodes,
      int max) {
    Map<NodeId, Integer> led = new TreeMap<>();
    nodes.forEach(n -> led.put(n, 0));
    Map<NodeId, TreeSet<ShardId>> byLeader = new TreeMap<>();
    leaders.forEach((shard, node) -> {
      if (led.containsKey(node)) {
        led.merge(node, 1, Integer::sum);
        byLeader.computeIfAbsent(node, k -> new TreeSet<>()).add(shard);
      }
    });
    Map<ShardId, List<NodeId>> follow = new HashMap<>(followers);
    List<Transfer> out = new ArrayList<>();
    while (out.size() < max) {
      Transfer best = null;
      int bestGap = 1;
      for (var from : led.entrySet()) {
        for (ShardId shard : byLeader.getOrDefault(from.getKey(), new TreeSet<>())) {
          for (NodeId to : follow.getOrDefault(shard, List.of())) {
            Integer toLed = led.get(to);
            if (toLed != null && !to.equals(from.getKey()) && from.getValue() - toLed > bestGap) {
              bestGap = from.getValue() - toLed;
              best = new Transfer(shard, from.getKey(), to);
            }
          }
        }
      }
      if (best == null) {
        break;
      }
      out.add(best);
      led.merge(best.from(), -1, Integer::sum);
      led.merge(best.to(), 1, Integer::sum);
      byLeader.get(best.from()).remove(best.shard());
      byLeader.computeIfAbsent(best.to(), k -> new TreeSet<>()).add(best.shard());
      follow.put(best.shard(), swap(follow.get(best.shard()), best.to(), best.from()));
    }
    return out;
  }

  /** {@code list} with {@code out} replaced by {@code in}. */
  private static List<NodeId> swap(Collection<NodeId> list, NodeId out, NodeId in) {
    List<NodeId> l = new ArrayList<>(list);
    l.replaceAll(n -> n.equals(out) ? in : n);
    return l;
  }
}
