package io.quiver.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a takeover makes a shard's placement agree with its Raft group, at each point where a
 * move can be cut short. (The whole takeover, with real processes: CoordinatorFailoverTest in
 * integration-tests.)
 */
class ReconcilerTest {
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final NodeId C = new NodeId("c");
  static final NodeId D = new NodeId("d");

  @Test
  void aPlacementThatAgreesIsLeftAlone() {
    ShardPlacement s = new ShardPlacement(0, List.of(A, B), List.of());
    assertThat(Reconciler.agree(s, group(List.of(B, A), List.of()))).isSameAs(s);
  }

  @Test
  void aLearnerTheGroupHasNotAdmittedYetStaysALearner() {
    // cut short after the placement named d a learner, before the leader admitted it
    ShardPlacement s = new ShardPlacement(0, List.of(A, B), List.of(D));
    assertThat(Reconciler.agree(s, group(List.of(A, B), List.of()))).isSameAs(s);
  }

  @Test
  void aPromotedLearnerBecomesAVoter() {
    // cut short after the promotion: the group has three voters, the placement still two
    ShardPlacement s = new ShardPlacement(0, List.of(A, B), List.of(D));
    assertThat(Reconciler.agree(s, group(List.of(A, B, D), List.of())))
        .isEqualTo(new ShardPlacement(0, List.of(A, B, D), List.of()));
  }

  @Test
  void aVoterTheGroupRemovedLeavesThePlacement() {
    // cut short after the old peer left the group, before the placement recorded it
    ShardPlacement s = new ShardPlacement(0, List.of(A, B), List.of(D));
    assertThat(Reconciler.agree(s, group(List.of(B, D), List.of())))
        .isEqualTo(new ShardPlacement(0, List.of(B, D), List.of()));
  }

  @Test
  void aMemberThePlacementDoesNotNameBecomesALearner() {
    ShardPlacement s = new ShardPlacement(0, List.of(A, B), List.of());
    assertThat(Reconciler.agree(s, group(List.of(A, B), List.of(C))))
        .isEqualTo(new ShardPlacement(0, List.of(A, B), List.of(C)));
  }

  static ReplicaAdminClient.GroupView group(List<NodeId> voters, List<NodeId> learners) {
    return new ReplicaAdminClient.GroupView(new NodeLease(A, "127.0.0.1:1", 100, "", "i", "127.0.0.1:2", "a@s"),
        voters, learners);
  }
}
