package io.quiver.common.shard;

import java.util.List;

/** Placement of every shard of one collection; {@code version} is the placement znode's version. */
public record CollectionPlacement(List<ShardPlacement> shards, int version) {
  public CollectionPlacement {
    shards = List.copyOf(shards);
    for (int i = 0; i < shards.size(); i++) {
      if (shards.get(i).shard() != i) {
        throw new IllegalArgumentException("placement lists shard " + shards.get(i).shard() + " at position " + i);
      }
    }
  }

  public ShardPlacement shard(int n) {
    return shards.get(n);
  }
}
