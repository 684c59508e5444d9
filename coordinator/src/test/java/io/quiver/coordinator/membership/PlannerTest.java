package io.quiver.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.placement.HashRing;
import io.quiver.coordinator.placement.RingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The moves that bring a placement to the ring, including a move cut short by a failover. */
class PlannerTest {
  static final UUID UUID_1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
  final HashRing ring = new HashRing(List.of(node("a"), node("b"), node("c"), node("d")));
  final List<NodeId> target = ring.replicas(UUID_1, 0, 2);
  final NodeId outside = List.of(n("a"), n("b"), n("c"), n("d")).stream().filter(x -> !target.contains(x)).findFirst()
      .orElseThrow();

  @Test
  void aLearnerTheRingStillWantsResumesItsMove() {
    // Voters: one wanted node and one that must leave; the wanted learner is the move cut short.
    List<Move> plan = Planner.plan(List.of(collection(List.of(target.get(0), outside), List.of(target.get(1)))), ring);
    assertThat(plan).containsExactly(new Move("c", UUID_1, 0, outside, target.get(1)));
  }

  @Test
  void aLearnerTheRingNoLongerWantsIsRemoved() {
    List<Move> plan = Planner.plan(List.of(collection(target, List.of(outside))), ring);
    assertThat(plan).containsExactly(new Move("c", UUID_1, 0, outside, null));
  }

  @Test
  void aPlacementOnTheRingMovesNothing() {
    assertThat(Planner.plan(List.of(collection(target, List.of())), ring)).isEmpty();
  }

  static Catalog.Collection collection(List<NodeId> voters, List<NodeId> learners) {
    CatalogEntry e = new CatalogEntry("c", UUID_1, CollectionConfig.of(2, Distance.L2).withShards(1, 2), 1L);
    return new Catalog.Collection(e, new CollectionPlacement(List.of(new ShardPlacement(0, voters, learners)), 3));
  }

  static RingNode node(String id) {
    return new RingNode(n(id), 100, "");
  }

  static NodeId n(String id) {
    return new NodeId(id);
  }
}
