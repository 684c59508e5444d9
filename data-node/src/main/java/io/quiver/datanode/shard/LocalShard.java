package io.quiver.datanode.shard;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ShardStore;
import io.quiver.index.engine.EngineConfig;
import io.quiver.index.engine.SearchOptions;
import io.quiver.index.engine.ShardEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The search side of one shard replica whose rows live in its {@link ShardStore}: the index
 * engine ({@link ShardEngine}: growing and sealed segments, HNSW built in the background,
 * payload indexes, BM25). It follows the store — rebuilt from it ({@link #rebuild}), then each
 * applied entry's changes ({@link #apply}) — so its applied index is the log index of the last
 * change it holds. Replaying a change it holds already changes nothing (upsert replaces by id).
 * Owns the engine's background indexing thread: {@link #close()} when the replica goes.
 */
public final class LocalShard implements AutoCloseable {
  /** The engine's largest scroll page; longer scrolls are read in pages. */
  private static final int ENGINE_MAX_PAGE = 10_000;

  private final ShardId id;
  private final CollectionConfig config;
  private final ShardEngine engine;

  public LocalShard(ShardId id, CollectionConfig config) {
    this(id, config, new ShardEngine(EngineConfig.from(config)));
  }

  private LocalShard(ShardId id, CollectionConfig config, ShardEngine engine) {
    this.id = id;
    this.config = config;
    this.engine = engine;
  }

  /** What {@link #adopt} found: entries kept as loaded, rows (re)inserted from the store, entries dropped. */
  public record Reconciled(LocalShard shard, long kept, long replayed, long dropped) {}

  /**
   * Takes over an engine loaded from its files and makes it hold exactly the live rows of
   * {@code store}: a loaded entry counts only where its (id, log index) is the row's; rows it
   * lacks or holds in another version are upserted with their own log index, and entries with no
   * row (deleted since) are deleted. Afterwards the engine is at the store's applied index.
   */
  public static Reconciled adopt(ShardId id, CollectionConfig config, ShardEngine loaded, ShardStore store) {
    LocalShard s = new LocalShard(id, config, loaded);
    long applied = store.appliedIndex();
    long[] rows = {0};
    // Only each row's id and log index are read for the check; whole rows only where they differ.
    List<PointId> stale = new ArrayList<>();
    store.forEachLiveIndex((point, logIndex) -> {
      rows[0]++;
      Long have = loaded.pointLogIndex(point).orElse(null);
      if (have == null || have != logIndex) {
        stale.add(point);
      }
    });
    // Rows to replay, by the log index that wrote them, so each keeps its own index.
    TreeMap<Long, List<Point>> replay = new TreeMap<>();
    int pending = 0;
    for (PointId point : stale) {
      var row = store.get(point);
      if (row.isEmpty()) {
        continue; // deleted since the scan: that delete reaches this index after the adopt
      }
      replay.computeIfAbsent(row.get().logIndex(), k -> new ArrayList<>()).add(row.get().point());
      if (++pending >= 4096) {
        replay.forEach((index, points) -> loaded.upsert(points, index));
        replay.clear();
        pending = 0;
      }
    }
    replay.forEach((index, points) -> loaded.upsert(points, index));
    long replayed = stale.size();
    long[] kept = {rows[0] - replayed};
    long dropped = 0;
    if (loaded.count(Filter.ALL) > rows[0]) {
      // The engine holds ids the store deleted after the files were written: find and drop them.
      List<PointId> gone = new ArrayList<>();
      PointId after = null;
      do {
        var page = loaded.scroll(after, ENGINE_MAX_PAGE, Filter.ALL);
        for (Point p : page.points()) {
          if (store.get(p.id()).isEmpty()) {
            gone.add(p.id());
          }
        }
        after = page.nextAfter();
      } while (after != null);
      dropped = loaded.delete(gone, applied);
    }
    loaded.delete(List.of(), applied); // the engine now reflects the store up to its applied index
    return new Reconciled(s, kept[0], replayed, dropped);
  }

  /** Writes the engine's segments (points, graphs) and applied index into {@code dir}. */
  public void save(Path dir) throws IOException {
    engine.writeSnapshot(dir);
  }

  /** Waits until every sealed segment's graph is built and no merge is running. */
  public void awaitIndexed() throws InterruptedException {
    engine.awaitBackgroundWork();
  }

  /** A shard holding every live row of {@code store}, at the store's applied index. */
  public static LocalShard rebuild(ShardId id, CollectionConfig config, ShardStore store) {
    LocalShard s = new LocalShard(id, config);
    List<Point> batch = new ArrayList<>();
    store.forEachLive(sp -> {
      batch.add(sp.point());
      if (batch.size() == 4096) {
        s.upsert(batch, store.appliedIndex());
        batch.clear();
      }
    });
    s.upsert(batch, store.appliedIndex());
    return s;
  }

  public ShardId id() {
    return id;
  }

  public CollectionConfig config() {
    return config;
  }

  /** Applies one applied entry's changes. */
  public void apply(AppliedChange change) {
    if (!change.upserted().isEmpty()) {
      upsert(change.upserted(), change.logIndex());
    }
    if (!change.deleted().isEmpty()) {
      delete(change.deleted(), change.logIndex());
    }
  }

  public void upsert(List<Point> batch, long logIndex) {
    engine.upsert(batch, logIndex);
  }

  /** Deletes by id; returns how many were present. */
  public int delete(Collection<PointId> ids, long logIndex) {
    return engine.delete(ids, logIndex);
  }

  /** The stored points among {@code ids}, in the order asked; missing ids are left out. */
  public List<Point> get(Collection<PointId> ids) {
    return ids.stream().distinct().map(engine::get).flatMap(java.util.Optional::stream).toList();
  }

  /** The best {@code k} points matching {@code filter}, best first, ties by id, point attached. */
  public List<ScoredPoint> search(float[] query, int k, Filter filter) {
    return search(query, k, filter, SearchOptions.DEFAULT_EF, false);
  }

  /** As {@link #search(float[], int, Filter)} with the HNSW beam width and an exact scan on request. */
  public List<ScoredPoint> search(float[] query, int k, Filter filter, int ef, boolean exact) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
    return engine.search(query, k, filter, new SearchOptions(Math.max(ef, k), exact, true));
  }

  /** The best {@code k} points for keyword {@code text} (BM25), point attached. */
  public List<ScoredPoint> searchText(String text, int k, Filter filter) {
    return engine.searchText(text, k, filter).stream()
        .map(h -> engine.get(h.id()).map(p -> new ScoredPoint(h.id(), h.score(), p)).orElse(null))
        .filter(h -> h != null)
        .toList();
  }

  /** Up to {@code limit} matching points with ids after {@code after} (null: from the first), in id order. */
  public List<Point> scroll(PointId after, int limit, Filter filter) {
    List<Point> out = new ArrayList<>();
    PointId from = after;
    while (out.size() < limit) {
      var page = engine.scroll(from, Math.min(limit - out.size(), ENGINE_MAX_PAGE), filter);
      out.addAll(page.points());
      if (page.nextAfter() == null) {
        break;
      }
      from = page.nextAfter();
    }
    return out;
  }

  public long count(Filter filter) {
    return engine.count(filter);
  }

  public long appliedIndex() {
    return engine.appliedIndex();
  }

  /** Changes with every write, graph built or merge done: see {@link ShardEngine#version()}. */
  public long version() {
    return engine.version();
  }

  /** Points in sealed segments whose graph is not built yet (the background indexer's backlog). */
  public long unindexedPoints() {
    return engine.unindexedPoints();
  }

  public long size() {
    return engine.count(Filter.ALL);
  }

  @Override
  public void close() {
    engine.close();
  }
}
