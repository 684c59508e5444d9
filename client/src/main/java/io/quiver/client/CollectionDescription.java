package io.quiver.client;

import java.util.List;

/** A collection with its per-shard placement and point counts. */
public record CollectionDescription(CollectionInfo info, List<Shard> shards, long points) {
  public CollectionDescription {
    shards = List.copyOf(shards);
  }

  /** One shard and the replicas that hold it. */
  public record Shard(int shard, List<Replica> replicas) {
    public Shard {
      replicas = List.copyOf(replicas);
    }
  }

  /** One replica of a shard. {@code role} is LEADER, FOLLOWER, LEARNER or UNSPECIFIED. */
  public record Replica(String nodeId, String role, boolean live, long points, long appliedIndex) {}
}
