package io.quiver.index.engine;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.filter.FilterEvaluator;
import io.quiver.index.filter.PayloadMatcher;
import io.quiver.index.flat.TopK;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.segment.Segment;
import io.quiver.index.segment.SegmentGraph;
import io.quiver.index.segment.SegmentIndexer;
import io.quiver.index.text.Analyzer;
import io.quiver.index.text.TextIndex;
import io.quiver.index.text.TextStats;
import io.quiver.index.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * One shard's engine: points in a growing segment (exact search) and sealed segments (HNSW,
 * built in the background), searched together. Upsert is idempotent by id and replaces the old
 * version; deletes are tombstones that merges drop.
 *
 * <p>Thread safety: one writer (the Raft apply thread) and many concurrent readers. A fair
 * read-write lock guards the id map and the segment list: writes hold it exclusively for the
 * length of one batch, searches share it, so a search sees every write applied before it
 * started. Graph building and merging run on a background thread without the lock and publish
 * their result under it.
 */
public final class ShardEngine implements AutoCloseable {
  private static final int MAX_K = 10_000;

  private final EngineConfig config;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
  // Guarded by lock.
  private final TreeMap<PointId, Location> locations = new TreeMap<>();
  // Guarded by lock.
  final List<Segment> sealed = new ArrayList<>();
  // Guarded by lock.
  Segment growing;
  // Written under the write lock; volatile so appliedIndex() needs no lock.
  private volatile long applied;
  /** Bumped (under the write lock) by every change a saved snapshot would show: writes, graphs, merges. */
  private volatile long version;
  // Points of sealed segments without a graph yet: recounted under the write lock whenever the
  // sealed list or a graph changes; volatile so unindexedPoints() needs no lock.
  private volatile long unindexed;
  private final BackgroundIndexer indexer;

  /** Where a live point is. */
  record Location(Segment segment, int ord) {}

  public ShardEngine(EngineConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.indexer = new BackgroundIndexer(this);
    this.growing = newSegment();
  }

  public EngineConfig config() {
    return config;
  }

  Segment newSegment() {
    return new Segment(indexer.nextSegmentNumber(), config.dimension(), config.distance(), config.schema());
  }

  ReentrantReadWriteLock lock() {
    return lock;
  }

  /**
   * Inserts or replaces points. Every point is checked before any is applied.
   *
   * @throws IllegalArgumentException naming the field and value (dimension, NaN, infinity)
   */
  public void upsert(List<Point> points, long logIndex) {
    Objects.requireNonNull(points, "points");
    List<float[]> prepared = new ArrayList<>(points.size());
    for (int i = 0; i < points.size(); i++) {
      Point p = Objects.requireNonNull(points.get(i), "points[" + i + "]");
      Similarity.check("points[" + i + "].vector", p.vector(), config.dimension());
      prepared.add(Similarity.prepare(config.distance(), p.vector()));
    }
    lock.writeLock().lock();
    try {
      indexer.checkOpen();
      for (int i = 0; i < points.size(); i++) {
        Point p = points.get(i);
        remove(p.id());
        Segment g = writableSegment();
        int ord = g.append(p.id(), prepared.get(i), p.payload(), p.text(), logIndex);
        locations.put(p.id(), new Location(g, ord));
      }
      advance(logIndex);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Deletes points by id; returns how many existed. */
  public int delete(Collection<PointId> ids, long logIndex) {
    Objects.requireNonNull(ids, "ids");
    lock.writeLock().lock();
    try {
      indexer.checkOpen();
      int n = 0;
      for (PointId id : ids) {
        if (remove(id)) {
          n++;
        }
      }
      advance(logIndex);
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Deletes every point matching {@code filter} ({@link Filter#ALL} for all); returns how many. */
  public int deleteByFilter(Filter filter, long logIndex) {
    Objects.requireNonNull(filter, "filter");
    lock.writeLock().lock();
    try {
      indexer.checkOpen();
      int n = 0;
      for (Segment s : allSegments()) {
        RoaringBitmap hit = FilterEvaluator.evaluate(filter, s);
        for (IntIterator it = hit.getIntIterator(); it.hasNext(); ) {
          int ord = it.next();
          locations.remove(s.id(ord));
          s.delete(ord);
          n++;
        }
      }
      advance(logIndex);
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public Optional<Point> get(PointId id) {
    lock.readLock().lock();
    try {
      Location l = locations.get(id);
      return l == null ? Optional.empty() : Optional.of(l.segment().point(l.ord()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The log index of the write that produced the live version of {@code id}, if any. */
  public Optional<Long> pointLogIndex(PointId id) {
    lock.readLock().lock();
    try {
      Location l = locations.get(id);
      return l == null ? Optional.empty() : Optional.of(l.segment().logIndex(l.ord()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The {@code k} nearest live points matching {@code filter} (null: all), best first, ties by id.
   * Cosine vectors are stored normalized, so {@code withPoint} returns the normalized vector.
   */
  public List<ScoredPoint> search(float[] query, int k, Filter filter, SearchOptions opts) {
    Similarity.check("query", query, config.dimension());
    checkK(k);
    SearchOptions o = opts == null ? SearchOptions.DEFAULT : opts;
    Filter f = matchesAll(filter) ? null : filter;
    float[] q = Similarity.prepare(config.distance(), query);
    List<ScoredPoint> hits = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (Segment s : allSegments()) {
        RoaringBitmap allowed = f == null ? null : FilterEvaluator.evaluate(f, s);
        Neighbors nn = s.search(q, k, o.ef(), allowed, o.exact(), config.rescoreOversampling());
        for (int i = 0; i < nn.size(); i++) {
          int ord = nn.ords()[i];
          hits.add(new ScoredPoint(s.id(ord), nn.scores()[i], o.withPoint() ? s.point(ord) : null));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return best(hits, k);
  }

  /** BM25 keyword search over point texts, with statistics shared across segments. */
  public List<ScoredPoint> searchText(String text, int k, Filter filter) {
    checkK(k);
    List<String> terms = Analyzer.terms(text);
    if (terms.isEmpty()) {
      return List.of();
    }
    Filter f = matchesAll(filter) ? null : filter;
    List<ScoredPoint> hits = new ArrayList<>();
    lock.readLock().lock();
    try {
      List<Segment> segs = allSegments();
      List<TextIndex> indexes = new ArrayList<>();
      segs.forEach(s -> indexes.add(s.textIndex()));
      TextStats stats = TextStats.of(indexes, terms);
      for (Segment s : segs) {
        RoaringBitmap allowed = f == null ? s.live() : FilterEvaluator.evaluate(f, s);
        Map<Integer, float[]> acc = new HashMap<>();
        s.textIndex().score(terms, stats, config.bm25(), allowed::contains, acc);
        TopK top = new TopK(k);
        acc.forEach((ord, sc) -> {
          if (top.wouldAccept(sc[0])) {
            top.add(ord, sc[0]);
          }
        });
        for (int i = 0; i < top.size(); i++) {
          hits.add(new ScoredPoint(s.id(top.ord(i)), top.score(i)));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return best(hits, k);
  }

  /** Live points after {@code afterExclusive} (null: from the start) in id order. */
  public ScrollPage scroll(PointId afterExclusive, int limit, Filter filter) {
    if (limit < 1 || limit > MAX_K) {
      throw new IllegalArgumentException("limit must be in 1.." + MAX_K + " but was " + limit);
    }
    Filter f = matchesAll(filter) ? null : filter;
    List<Point> page = new ArrayList<>();
    lock.readLock().lock();
    try {
      var tail = afterExclusive == null ? locations : locations.tailMap(afterExclusive, false);
      for (var e : tail.entrySet()) {
        Location l = e.getValue();
        if (f != null && !PayloadMatcher.matches(f, e.getKey(), l.segment().payload(l.ord()))) {
          continue;
        }
        if (page.size() == limit) {
          return new ScrollPage(page, page.get(limit - 1).id());
        }
        page.add(l.segment().point(l.ord()));
      }
      return new ScrollPage(page, null);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Live points matching {@code filter} (null: all). */
  public long count(Filter filter) {
    lock.readLock().lock();
    try {
      if (matchesAll(filter)) {
        return locations.size();
      }
      long n = 0;
      for (Segment s : allSegments()) {
        n += FilterEvaluator.evaluate(filter, s).getLongCardinality();
      }
      return n;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Points in sealed segments whose graph is not built yet (searched by exact scan meanwhile): the
   * background indexer's backlog. Read without the lock, so a writer can check it cheaply.
   */
  public long unindexedPoints() {
    return unindexed;
  }

  /** The highest log index applied; every write up to it is visible to searches. */
  public long appliedIndex() {
    return applied;
  }

  /**
   * A number that changes whenever the engine changes in a way {@link #writeSnapshot} would show:
   * a write, and also a graph built or a merge done in the background, which leave the applied
   * index as it was. Equal versions mean an earlier snapshot is still current.
   */
  public long version() {
    return version;
  }

  public EngineStats stats() {
    lock.readLock().lock();
    try {
      long deleted = 0;
      long memory = 0;
      int indexed = 0;
      for (Segment s : allSegments()) {
        deleted += s.size() - s.liveCount();
        memory += s.memoryBytes();
        if (s.graph() != null) {
          indexed++;
        }
      }
      return new EngineStats(
          locations.size(), deleted, sealed.size() + 1, indexed, vectorBytesPerPoint(), memory, applied);
    } finally {
      lock.readLock().unlock();
    }
  }

  private int vectorBytesPerPoint() {
    int dim = config.dimension();
    return switch (config.quantization()) {
      case NONE -> dim * Float.BYTES;
      case INT8 -> dim + Float.BYTES;
      case PQ -> SegmentIndexer.pqSubspaces(dim, config.pqSubspaces());
    };
  }

  /** Blocks until every queued background build and merge has finished (for tests and tools). */
  public void awaitBackgroundWork() throws InterruptedException {
    indexer.awaitIdle();
  }

  /** Merges every sealed segment into one (dropping tombstones) and waits for it. */
  public void forceMerge() throws InterruptedException {
    indexer.forceMerge();
  }

  /** Writes a snapshot of every segment and the applied index into {@code dir} (created if needed). */
  public void writeSnapshot(Path dir) throws IOException {
    lock.readLock().lock();
    try {
      EngineSnapshot.write(this, dir, applied);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Loads an engine written by {@link #writeSnapshot}; segments without a saved graph are re-indexed. */
  public static ShardEngine readSnapshot(Path dir, EngineConfig config) throws IOException {
    ShardEngine e = new ShardEngine(config);
    EngineSnapshot.read(e, dir);
    return e;
  }

  void indexerNumberAbove(int n) {
    indexer.numberAbove(n);
  }

  /** Installs loaded segments; called once, before the engine is shared. */
  void install(List<Segment> loadedSealed, Segment loadedGrowing, long appliedIndex) {
    lock.writeLock().lock();
    try {
      sealed.clear();
      sealed.addAll(loadedSealed);
      growing = loadedGrowing;
      locations.clear();
      for (Segment s : allSegments()) {
        for (IntIterator it = s.live().getIntIterator(); it.hasNext(); ) {
          int ord = it.next();
          Location old = locations.put(s.id(ord), new Location(s, ord));
          if (old != null && old.segment().logIndex(old.ord()) > s.logIndex(ord)) {
            locations.put(s.id(ord), old);
          }
        }
      }
      applied = appliedIndex;
      for (Segment s : sealed) {
        if (s.graph() == null) {
          indexer.scheduleBuild(s);
        }
      }
      recountUnindexed();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    indexer.close();
  }

  // ---- internals; callers hold the lock ----

  List<Segment> allSegments() {
    List<Segment> all = new ArrayList<>(sealed.size() + 1);
    all.addAll(sealed);
    all.add(growing);
    return all;
  }

  private Segment writableSegment() {
    if (growing.size() >= config.segmentMaxPoints()) {
      Segment full = growing;
      full.seal();
      sealed.add(full);
      growing = newSegment();
      recountUnindexed();
      indexer.scheduleBuild(full);
    }
    return growing;
  }

  private boolean remove(PointId id) {
    Location l = locations.remove(id);
    if (l == null) {
      return false;
    }
    l.segment().delete(l.ord());
    return true;
  }

  /** Re-points ids that still live where a merge copied them from; tombstones the rest. */
  void adoptMerged(List<Segment> inputs, Segment out, Segment[] fromSeg, int[] fromOrd) {
    for (int i = 0; i < out.size(); i++) {
      PointId id = out.id(i);
      Location l = locations.get(id);
      if (l != null && l.segment() == fromSeg[i] && l.ord() == fromOrd[i]) {
        locations.put(id, new Location(out, i));
      } else {
        out.delete(i);
      }
    }
    version++;
    sealed.removeAll(inputs);
    if (out.liveCount() > 0) {
      sealed.add(out);
    }
    recountUnindexed();
  }

  void publishGraph(Segment s, SegmentGraph g) {
    if (sealed.contains(s)) {
      version++;
      s.setGraph(g);
      recountUnindexed();
    }
  }

  private void recountUnindexed() {
    long n = 0;
    for (Segment s : sealed) {
      if (s.graph() == null) {
        n += s.size();
      }
    }
    unindexed = n;
  }

  private void advance(long logIndex) {
    version++;
    if (logIndex > applied) {
      applied = logIndex;
    }
  }

  private static boolean matchesAll(Filter f) {
    return f == null || (f instanceof Filter.Bool b && b.matchesAll());
  }

  private static void checkK(int k) {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_K + " but was " + k);
    }
  }

  /** Best first, ties by id, each id once, at most {@code k}. */
  private static List<ScoredPoint> best(List<ScoredPoint> hits, int k) {
    hits.sort(ScoredPoint.BEST_FIRST);
    List<ScoredPoint> out = new ArrayList<>(Math.min(k, hits.size()));
    Set<PointId> seen = new HashSet<>();
    for (ScoredPoint p : hits) {
      if (out.size() == k) {
        break;
      }
      if (seen.add(p.id())) {
        out.add(p);
      }
    }
    return out;
  }
}
