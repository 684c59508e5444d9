package io.quiver.common.shard;

import java.util.UUID;

/**
 * A shard across the cluster's life: the collection's UUID (minted at create, so a collection
 * dropped and created again never meets its old replicas) and the shard number.
 */
public record ShardId(UUID collection, int shard) implements Comparable<ShardId> {
  public ShardId {
    if (collection == null) {
      throw new IllegalArgumentException("shard collection uuid must not be null");
    }
    if (shard < 0) {
      throw new IllegalArgumentException("shard number must be >= 0 but was " + shard);
    }
  }

  /** Parses {@link #toString()}'s form {@code <uuid>/<shard>}. */
  public static ShardId parse(String s) {
    int slash = s.lastIndexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("shard id '" + s + "' is not <uuid>/<number>");
    }
    try {
      return new ShardId(UUID.fromString(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("shard id '" + s + "' is not <uuid>/<number>", e);
    }
  }

  @Override
  public int compareTo(ShardId o) {
    int c = collection.compareTo(o.collection);
    return c != 0 ? c : Integer.compare(shard, o.shard);
  }

  @Override
  public String toString() {
    return collection + "/" + shard;
  }
}
