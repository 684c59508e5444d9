package io.quiver.datanode.raft;

import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ShardStore;

/**
 * Follows a shard replica's applied state; the search index subscribes. Both calls come from the
 * replica's apply thread, in log order, before the applied index that reads wait on advances, so
 * a read at index {@code i} finds every change up to {@code i} in the index.
 */
public interface ShardApplyListener {
  /** Ignores everything: for replicas nobody searches. */
  ShardApplyListener NONE = new ShardApplyListener() {
    @Override
    public void onReset(ShardId shard, ShardStore store) {}

    @Override
    public void onApplied(ShardId shard, AppliedChange change) {}
  };

  /**
   * The replica's rows were (re)loaded: at start, or after a snapshot replaced them. Rebuild
   * from {@link ShardStore#forEachLive}; the store is at {@link ShardStore#appliedIndex()}.
   */
  void onReset(ShardId shard, ShardStore store);

  /** One applied entry's changes, with its log index. Not called for entries that changed nothing. */
  void onApplied(ShardId shard, AppliedChange change);

  /**
   * Points of the replica that are applied but not yet in a graph (the index's backlog), for
   * admission; any thread may ask. 0 for listeners that build nothing.
   */
  default long indexBacklog(ShardId shard) {
    return 0;
  }
}
