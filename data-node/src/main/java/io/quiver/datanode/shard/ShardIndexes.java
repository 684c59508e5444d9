package io.quiver.datanode.shard;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.raft.ShardApplyListener;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ShardStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The search side of every local replica, following the replicas' applied state. A replica's
 * index needs its collection's config (dimension, distance), which the catalog gives and the
 * Raft layer does not: a replica reopened at start is reset before the catalog is read, so its
 * index is built when {@link #attach} brings the config, and until then it has none (and is not
 * served). Changes replayed onto an index that already holds them change nothing, so a rebuild
 * racing an apply is harmless.
 *
 * <p>Each slot is guarded by itself: the apply thread of its replica and {@code attach} take it.
 * Searches take the slot's current {@link LocalShard} without the lock (a volatile read).
 */
public final class ShardIndexes implements ShardApplyListener {
  private static final class Slot {
    CollectionConfig config;
    ShardStore store;
    volatile LocalShard index;
  }

  private final ConcurrentMap<ShardId, Slot> slots = new ConcurrentHashMap<>();

  @Override
  public void onReset(ShardId shard, ShardStore store) {
    Slot s = slots.computeIfAbsent(shard, k -> new Slot());
    synchronized (s) {
      s.store = store;
      replace(s, s.config == null ? null : LocalShard.rebuild(shard, s.config, store));
    }
  }

  @Override
  public void onApplied(ShardId shard, AppliedChange change) {
    Slot s = slots.get(shard);
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (s.index != null) {
        s.index.apply(change);
      }
    }
  }

  /** Gives the replica its collection's config, building its index from the store if it has none yet. */
  public void attach(ShardId shard, CollectionConfig config, ShardStore store) {
    Slot s = slots.computeIfAbsent(shard, k -> new Slot());
    synchronized (s) {
      if (s.index != null && config.equals(s.config)) {
        return;
      }
      s.config = config;
      s.store = store;
      replace(s, LocalShard.rebuild(shard, config, store));
    }
  }

  /** Swaps in a new index; the old one's background work stops (a search still holding it finishes). */
  private static void replace(Slot s, LocalShard index) {
    LocalShard old = s.index;
    s.index = index;
    if (old != null) {
      old.close();
    }
  }

  /** The replica's index, once attached. */
  public Optional<LocalShard> find(ShardId shard) {
    Slot s = slots.get(shard);
    return s == null ? Optional.empty() : Optional.ofNullable(s.index);
  }

  /** Forgets a replica that was deleted. */
  public void remove(ShardId shard) {
    Slot s = slots.remove(shard);
    if (s != null) {
      synchronized (s) {
        replace(s, null);
      }
    }
  }

  /** Stops every index's background work (the node is closing). */
  public void close() {
    slots.keySet().forEach(this::remove);
  }
}
