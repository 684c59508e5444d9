package io.quiver.coordinator.membership;

import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.placement.HashRing;
import java.util.ArrayList;
import java.util.List;

/**
 * The moves that bring placements to the ring's target. The target is a pure function of the
 * ring, so a coordinator that takes over recomputes the same plan; a shard with a learner in its
 * placement has a move in progress and is finished first (its move is planned again from there),
 * or, when the ring no longer wants that learner, the learner is removed.
 */
public final class Planner {
  private Planner() {}

  public static List<Move> plan(List<Catalog.Collection> collections, HashRing ring) {
    List<Move> moves = new ArrayList<>();
    for (Catalog.Collection c : collections) {
      CollectionPlacement p = c.placement();
      int rf = c.entry().config().replicationFactor();
      if (ring.size() < rf) {
        continue; // not enough nodes to place on: leave it where it is
      }
      for (ShardPlacement s : p.shards()) {
        List<NodeId> target = ring.replicas(c.entry().uuid(), s.shard(), rf);
        List<NodeId> adds = new ArrayList<>();
        for (NodeId n : target) {
          if (!s.voters().contains(n)) {
            adds.add(n);
          }
        }
        List<NodeId> removes = new ArrayList<>();
        for (NodeId n : s.voters()) {
          if (!target.contains(n)) {
            removes.add(n);
          }
        }
        // A learner the ring no longer wants (its move was cut short and the ring changed since)
        // leaves after the voters' moves, each as a move with no "to".
        List<NodeId> unwanted = s.learners().stream().filter(n -> !target.contains(n)).toList();
        // An in-progress learner that is still wanted goes first, so its move resumes.
        adds.sort((a, b) -> Boolean.compare(!s.learners().contains(a), !s.learners().contains(b)));
        for (int i = 0; i < Math.max(adds.size(), removes.size()); i++) {
          moves.add(new Move(c.entry().name(), c.entry().uuid(), s.shard(),
              i < removes.size() ? removes.get(i) : null, i < adds.size() ? adds.get(i) : null));
        }
        unwanted.forEach(n -> moves.add(new Move(c.entry().name(), c.entry().uuid(), s.shard(), n, null)));
      }
    }
    return moves;
  }
}
