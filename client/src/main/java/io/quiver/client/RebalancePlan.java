package io.quiver.client;

import java.util.List;

/**
 * Replica moves a rebalance or drain makes, as the coordinator planned them, and the id of the
 * plan when it was started ({@code planId} is empty for a plan that was only shown).
 */
public record RebalancePlan(String planId, List<Move> moves) {
  public RebalancePlan {
    moves = List.copyOf(moves);
  }

  /**
   * One replica of one shard moving: {@code fromNode} is empty when a replica is only added,
   * {@code toNode} when one is only removed.
   */
  public record Move(String collection, int shard, String fromNode, String toNode) {}
}
