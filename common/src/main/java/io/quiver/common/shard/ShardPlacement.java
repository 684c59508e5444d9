package io.quiver.common.shard;

import java.util.List;

/**
 * Where one shard's replicas live: voters (members of its Raft group that vote) and learners
 * (catching up; never counted toward a quorum). The coordinator's target, not the Raft truth.
 */
public record ShardPlacement(int shard, List<NodeId> voters, List<NodeId> learners) {
  public ShardPlacement {
    voters = List.copyOf(voters);
    learners = List.copyOf(learners);
  }

  public boolean hosts(NodeId node) {
    return voters.contains(node) || learners.contains(node);
  }
}
