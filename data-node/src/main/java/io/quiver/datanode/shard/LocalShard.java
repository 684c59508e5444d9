package io.quiver.datanode.shard;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ShardStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One shard replica's points, kept in memory and searched exactly (a full scan): the search
 * side of a replica whose rows live in its {@link ShardStore}. It follows the store — rebuilt
 * from it ({@link #rebuild}), then each applied entry's changes ({@link #apply}) — so its
 * applied index is the log index of the last change it holds. This is the one class the index
 * engine ({@code io.quiver.index.engine.ShardEngine}) replaces; its methods follow that
 * engine's shape. COSINE vectors are normalized on write, so their score is a dot product.
 */
public final class LocalShard {
  private final ShardId id;
  private final CollectionConfig config;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  // Guarded by lock: points by id (id order for scroll) and the applied index.
  private final TreeMap<PointId, Point> points = new TreeMap<>();
  private long appliedIndex;

  public LocalShard(ShardId id, CollectionConfig config) {
    this.id = id;
    this.config = config;
  }

  /** A shard holding every live row of {@code store}, at the store's applied index. */
  public static LocalShard rebuild(ShardId id, CollectionConfig config, ShardStore store) {
    LocalShard s = new LocalShard(id, config);
    List<Point> batch = new ArrayList<>();
    store.forEachLive(sp -> batch.add(sp.point()));
    s.upsert(batch, store.appliedIndex());
    return s;
  }

  public ShardId id() {
    return id;
  }

  public CollectionConfig config() {
    return config;
  }

  /** Applies one applied entry's changes; replaying a change it holds already changes nothing. */
  public void apply(AppliedChange change) {
    if (!change.upserted().isEmpty()) {
      upsert(change.upserted(), change.logIndex());
    }
    if (!change.deleted().isEmpty()) {
      delete(change.deleted(), change.logIndex());
    }
  }

  public void upsert(List<Point> batch, long logIndex) {
    List<Point> stored = new ArrayList<>(batch.size());
    for (Point p : batch) {
      checkDimension(p.vector());
      float[] v = config.distance() == Distance.COSINE ? normalized(p.vector()) : p.vector().clone();
      stored.add(new Point(p.id(), v, p.payload(), p.text()));
    }
    lock.writeLock().lock();
    try {
      stored.forEach(p -> points.put(p.id(), p));
      appliedIndex = Math.max(appliedIndex, logIndex);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Deletes by id; returns how many were present. */
  public int delete(Collection<PointId> ids, long logIndex) {
    lock.writeLock().lock();
    try {
      int n = (int) ids.stream().distinct().filter(i -> points.remove(i) != null).count();
      appliedIndex = Math.max(appliedIndex, logIndex);
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The stored points among {@code ids}, in the order asked; missing ids are left out. */
  public List<Point> get(Collection<PointId> ids) {
    lock.readLock().lock();
    try {
      return ids.stream().distinct().map(points::get).filter(p -> p != null).toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The best {@code k} points matching {@code filter}, best first, ties by id, point attached. */
  public List<ScoredPoint> search(float[] query, int k, Filter filter) {
    checkDimension(query);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
    float[] q = config.distance() == Distance.COSINE ? normalized(query) : query;
    PriorityQueue<ScoredPoint> worstFirst = new PriorityQueue<>(ScoredPoint.BEST_FIRST.reversed());
    lock.readLock().lock();
    try {
      for (Point p : points.values()) {
        if (!PayloadMatcher.matches(filter, p.id(), p.payload())) {
          continue;
        }
        worstFirst.add(new ScoredPoint(p.id(), score(q, p.vector()), p));
        if (worstFirst.size() > k) {
          worstFirst.poll();
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    List<ScoredPoint> out = new ArrayList<>(worstFirst);
    out.sort(ScoredPoint.BEST_FIRST);
    return out;
  }

  /** Up to {@code limit} matching points with ids after {@code after} (null: from the first), in id order. */
  public List<Point> scroll(PointId after, int limit, Filter filter) {
    lock.readLock().lock();
    try {
      Map<PointId, Point> tail = after == null ? points : points.tailMap(after, false);
      List<Point> out = new ArrayList<>(Math.min(limit, 1024));
      for (Point p : tail.values()) {
        if (out.size() >= limit) {
          break;
        }
        if (PayloadMatcher.matches(filter, p.id(), p.payload())) {
          out.add(p);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  public long count(Filter filter) {
    lock.readLock().lock();
    try {
      if (filter instanceof Filter.Bool b && b.matchesAll()) {
        return points.size();
      }
      return points.values().stream().filter(p -> PayloadMatcher.matches(filter, p.id(), p.payload())).count();
    } finally {
      lock.readLock().unlock();
    }
  }

  public long appliedIndex() {
    lock.readLock().lock();
    try {
      return appliedIndex;
    } finally {
      lock.readLock().unlock();
    }
  }

  public long size() {
    return count(Filter.ALL);
  }

  private float score(float[] q, float[] v) {
    if (config.distance() == Distance.L2) {
      float s = 0;
      for (int i = 0; i < q.length; i++) {
        float d = q[i] - v[i];
        s += d * d;
      }
      return -s;
    }
    float s = 0;
    for (int i = 0; i < q.length; i++) {
      s += q[i] * v[i];
    }
    return s;
  }

  private void checkDimension(float[] v) {
    if (v.length != config.dimension()) {
      throw new IllegalArgumentException(
          "vector dimensions differ: " + v.length + " != " + config.dimension() + " (shard " + id + ")");
    }
  }

  /** A unit-length copy; a zero vector stays zero (it scores 0 against everything). */
  static float[] normalized(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float[] out = v.clone();
    if (n > 0) {
      float inv = (float) (1 / Math.sqrt(n));
      for (int i = 0; i < out.length; i++) {
        out[i] *= inv;
      }
    }
    return out;
  }
}
