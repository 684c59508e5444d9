package io.quiver.common.shard;

import io.quiver.common.model.PointId;

/** {@code shard = murmur3(id key) mod shard_count}, fixed for a collection's life. */
public final class ShardRouter {
  private ShardRouter() {}

  public static int shardOf(PointId id, int shardCount) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("shard count must be >= 1 but was " + shardCount);
    }
    return (int) Long.remainderUnsigned(Murmur3.hash64(id.toKey(), 0), shardCount);
  }
}
