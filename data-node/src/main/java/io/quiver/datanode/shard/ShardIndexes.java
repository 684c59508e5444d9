package io.quiver.datanode.shard;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.raft.ShardApplyListener;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ShardStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search side of every local replica, following the replicas' applied state. A replica's
 * index needs its collection's config (dimension, distance), which the catalog gives and the
 * Raft layer does not: a replica reopened at start is reset before the catalog is read, so its
 * index is built when {@link #attach} brings the config, and until then it has none (and is not
 * served). Changes replayed onto an index that already holds them change nothing, so a rebuild
 * racing an apply is harmless.
 *
 * <p>With {@link IndexFiles}, an index is loaded from its saved files (checked against the
 * store) instead of rebuilt, saved again every {@link #SAVE_INTERVAL} while it changes, and
 * saved at {@link #close()}; without, it is always rebuilt from the store.
 *
 * <p>Each slot is guarded by itself: the apply thread of its replica and {@code attach} take it.
 * Searches take the slot's current {@link LocalShard} without the lock (a volatile read). Saves
 * do not take a slot's lock (the engine writes its files under its own read lock, and applies
 * must not wait for a save); they are serialised by {@code saveLock}, so two never write one
 * replica's files at once.
 */
public final class ShardIndexes implements ShardApplyListener {
  private static final Logger log = LoggerFactory.getLogger(ShardIndexes.class);
  /** How often a changed index is written out again; a crash replays what came after from the store. */
  static final Duration SAVE_INTERVAL = Duration.ofMinutes(2);

  private static final class Slot {
    CollectionConfig config;
    ShardStore store;
    volatile LocalShard index;
    /**
     * The engine version of the last save (or clean load) of {@code index}; a hint to skip a save.
     * Not the applied index: graphs and merges finished after a save change no log index, and a
     * save skipped for them left a restart to build those graphs again.
     */
    volatile long savedVersion = -1;
  }

  private final ConcurrentMap<ShardId, Slot> slots = new ConcurrentHashMap<>();
  private final IndexFiles files;
  private final ScheduledExecutorService saver;
  private final Object saveLock = new Object();

  /** Indexes rebuilt from the store at every start, never saved. */
  public ShardIndexes() {
    this(null);
  }

  /** Indexes saved in and loaded from {@code files} (null: never saved). */
  public ShardIndexes(IndexFiles files) {
    this.files = files;
    if (files == null) {
      saver = null;
    } else {
      saver = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("index-saver").factory());
      long every = SAVE_INTERVAL.toMillis();
      saver.scheduleWithFixedDelay(this::saveChanged, every, every, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void onReset(ShardId shard, ShardStore store) {
    Slot s = slots.computeIfAbsent(shard, k -> new Slot());
    synchronized (s) {
      s.store = store;
      replace(s, s.config == null ? null : open(shard, s.config, store, s));
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

  /** Points of the replica's sealed segments still waiting for their graph (0 before it is attached). */
  @Override
  public long indexBacklog(ShardId shard) {
    Slot s = slots.get(shard);
    LocalShard index = s == null ? null : s.index;
    return index == null ? 0 : index.unindexedPoints();
  }

  /** Gives the replica its collection's config, loading or building its index if it has none yet. */
  public void attach(ShardId shard, CollectionConfig config, ShardStore store) {
    Slot s = slots.computeIfAbsent(shard, k -> new Slot());
    synchronized (s) {
      if (s.index != null && config.equals(s.config)) {
        return;
      }
      s.config = config;
      s.store = store;
      replace(s, open(shard, config, store, s));
    }
  }

  /** The saved index reconciled with the store, or one rebuilt from the store. Called under the slot's lock. */
  private LocalShard open(ShardId shard, CollectionConfig config, ShardStore store, Slot s) {
    long start = System.nanoTime();
    Optional<LocalShard.Reconciled> loaded = files == null ? Optional.empty() : files.load(shard, config, store);
    if (loaded.isPresent()) {
      LocalShard.Reconciled r = loaded.get();
      s.savedVersion = r.replayed() == 0 && r.dropped() == 0 ? r.shard().version() : -1;
      log.info("shard {}: index loaded from its files in {} ms: {} entries kept, {} rows replayed from the store,"
          + " {} dropped", shard, (System.nanoTime() - start) / 1_000_000, r.kept(), r.replayed(), r.dropped());
      return r.shard();
    }
    s.savedVersion = -1;
    LocalShard rebuilt = LocalShard.rebuild(shard, config, store);
    log.info("shard {}: index rebuilt from the store in {} ms ({} points; graphs build in the background)", shard,
        (System.nanoTime() - start) / 1_000_000, rebuilt.size());
    return rebuilt;
  }

  /** Swaps in a new index; the old one's background work stops (a search still holding it finishes). */
  private static void replace(Slot s, LocalShard index) {
    LocalShard old = s.index;
    s.index = index;
    if (old != null) {
      old.close();
    }
  }

  /** Saves every index that changed since its last save. */
  private void saveChanged() {
    slots.forEach((shard, s) -> save(shard, s));
  }

  private void save(ShardId shard, Slot s) {
    synchronized (saveLock) {
      LocalShard index = s.index;
      if (files == null || index == null || index.version() == s.savedVersion) {
        return;
      }
      long version = index.version();
      long at = index.appliedIndex();
      long start = System.nanoTime();
      try {
        files.save(shard, index);
        s.savedVersion = version;
        log.debug("shard {}: index saved at applied index {} in {} ms", shard, at,
            (System.nanoTime() - start) / 1_000_000);
      } catch (IOException | RuntimeException e) {
        // The last complete generation stays; the next start replays more from the store.
        log.warn("shard {}: saving the index failed: {}", shard, e.toString());
      }
    }
  }

  /** Saves the replica's index now, if it changed since its last save. */
  public void save(ShardId shard) {
    Slot s = slots.get(shard);
    if (s != null) {
      save(shard, s);
    }
  }

  /** The replica's index, once attached. */
  public Optional<LocalShard> find(ShardId shard) {
    Slot s = slots.get(shard);
    return s == null ? Optional.empty() : Optional.ofNullable(s.index);
  }

  /** Forgets a replica that was deleted, and its saved files. */
  public void remove(ShardId shard) {
    Slot s = slots.remove(shard);
    if (s != null) {
      synchronized (s) {
        replace(s, null);
      }
    }
    if (files != null) {
      files.delete(shard);
    }
  }

  /** Saves every index that changed (the node is stopping) and stops their background work. */
  public void close() {
    if (saver != null) {
      saver.shutdownNow();
    }
    for (ShardId shard : slots.keySet()) {
      Slot s = slots.remove(shard);
      if (s != null) {
        save(shard, s); // waits for a periodic save in progress (saveLock)
        synchronized (s) {
          replace(s, null);
        }
      }
    }
  }
}
