package io.quiver.coordinator.membership;

import io.quiver.common.shard.NodeId;
import java.util.UUID;

/**
 * One replica move of one shard: {@code to} joins (learner, caught up, voter), then {@code from}
 * leaves. Either may be null: a replica only added, or only removed.
 */
public record Move(String collection, UUID uuid, int shard, NodeId from, NodeId to) {
  public Move {
    if (from == null && to == null) {
      throw new IllegalArgumentException("a move of " + collection + "/" + shard + " needs a from or a to node");
    }
  }

  @Override
  public String toString() {
    return collection + "/" + shard + ": " + (from == null ? "-" : from) + " -> " + (to == null ? "-" : to);
  }
}
