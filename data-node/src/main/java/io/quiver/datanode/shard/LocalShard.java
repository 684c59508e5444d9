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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
    this.id = id;
    this.config = config;
    this.engine = new ShardEngine(EngineConfig.from(config));
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

  public long size() {
    return engine.count(Filter.ALL);
  }

  @Override
  public void close() {
    engine.close();
  }
}
