package io.quiver.client;

import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.ShardPosition;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest consistency token seen per collection: per shard, the highest (generation, applied
 * index) of every response. Sent with SESSION reads, it gives read-your-writes and monotonic
 * reads. Thread-safe: each collection's token is an immutable value swapped with
 * {@link ConcurrentHashMap#merge}.
 */
final class SessionTokens {
  private final Map<String, ConsistencyToken> byCollection = new ConcurrentHashMap<>();

  void observe(String collection, ConsistencyToken token) {
    if (token == null || token.getCollectionUuid().isEmpty()) {
      return;
    }
    byCollection.merge(collection, token, SessionTokens::newest);
  }

  /** The token to send, or null before anything was seen. */
  ConsistencyToken get(String collection) {
    return byCollection.get(collection);
  }

  void forget(String collection) {
    byCollection.remove(collection);
  }

  static ConsistencyToken newest(ConsistencyToken old, ConsistencyToken seen) {
    if (!old.getCollectionUuid().equals(seen.getCollectionUuid())) {
      // The collection was dropped and created again: the old positions mean nothing now.
      return seen;
    }
    Map<Integer, ShardPosition> shards = new TreeMap<>();
    for (ShardPosition p : old.getPositionsList()) {
      shards.put(p.getShard(), p);
    }
    for (ShardPosition p : seen.getPositionsList()) {
      shards.merge(p.getShard(), p, SessionTokens::later);
    }
    return ConsistencyToken.newBuilder()
        .setCollectionUuid(old.getCollectionUuid())
        .addAllPositions(shards.values())
        .build();
  }

  private static ShardPosition later(ShardPosition a, ShardPosition b) {
    int c = Long.compareUnsigned(a.getGeneration(), b.getGeneration());
    if (c == 0) {
      c = Long.compareUnsigned(a.getIndex(), b.getIndex());
    }
    return c >= 0 ? a : b;
  }
}
