package io.quiver.datanode.raft;

import java.util.List;

/** A shard group's membership as Raft holds it: voters and non-voting listeners (learners). */
public record GroupConfiguration(List<ShardPeer> voters, List<ShardPeer> listeners) {
  public GroupConfiguration {
    voters = List.copyOf(voters);
    listeners = List.copyOf(listeners);
  }
}
