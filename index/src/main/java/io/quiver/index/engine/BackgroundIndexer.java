package io.quiver.index.engine;

import io.quiver.index.segment.Segment;
import io.quiver.index.segment.SegmentGraph;
import io.quiver.index.segment.SegmentIndexer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.roaringbitmap.IntIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's background thread: builds the graph of each sealed segment, then merges sealed
 * segments when there are more than {@code mergeFactor} of them (smallest first, up to
 * {@code mergeFactor * segmentMaxPoints} points) or when one is more than half tombstones. A
 * merge starts from the largest input's graph and inserts only the other inputs' points (see
 * {@link #merge}), so a point is not inserted again at every merge level. Work
 * runs without the engine lock and is published under its write lock; a merge re-checks every
 * copied point against the id map then, so writes made during the merge win.
 */
final class BackgroundIndexer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundIndexer.class);

  /**
   * A merge keeps the largest input's graph (tombstoned nodes included) while at most this
   * fraction of its nodes are tombstones; above it, it rebuilds and the tombstones go. So carried
   * tombstones stay under this fraction of any segment.
   */
  static final double MAX_BASE_DELETED_FRACTION = 0.2;

  private final ShardEngine engine;
  private final ExecutorService exec =
      Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("quiver-indexer").daemon().unstarted(r));
  private final AtomicInteger segmentNumbers = new AtomicInteger();
  // Guarded by itself: queued plus running tasks.
  private final int[] pending = {0};
  private volatile boolean closed;

  BackgroundIndexer(ShardEngine engine) {
    this.engine = engine;
  }

  int nextSegmentNumber() {
    return segmentNumbers.getAndIncrement();
  }

  void numberAbove(int n) {
    segmentNumbers.accumulateAndGet(n + 1, Math::max);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("shard engine is closed");
    }
  }

  void scheduleBuild(Segment s) {
    submit(() -> build(s));
  }

  void forceMerge() throws InterruptedException {
    awaitIdle();
    submit(() -> {
      List<Segment> all;
      engine.lock().readLock().lock();
      try {
        all = new ArrayList<>(engine.sealed);
      } finally {
        engine.lock().readLock().unlock();
      }
      boolean clean = all.size() == 1 && all.get(0).liveCount() == all.get(0).size();
      if (!all.isEmpty() && !clean) {
        merge(all, 0.0); // every tombstone goes
      }
    });
    awaitIdle();
  }

  void awaitIdle() throws InterruptedException {
    synchronized (pending) {
      while (pending[0] > 0) {
        pending.wait();
      }
    }
  }

  private void submit(Runnable task) {
    synchronized (pending) {
      pending[0]++;
    }
    exec.execute(() -> {
      try {
        if (!closed) {
          task.run();
        }
      } catch (RuntimeException | Error e) {
        log.error("background indexing failed; the segment stays searchable by exact scan", e);
      } finally {
        synchronized (pending) {
          pending[0]--;
          pending.notifyAll();
        }
      }
    });
  }

  private void build(Segment s) {
    EngineConfig c = engine.config();
    SegmentGraph g = SegmentIndexer.build(s, c.hnsw(), c.quantization(), c.pqSubspaces(), c.indexThreads());
    engine.lock().writeLock().lock();
    try {
      engine.publishGraph(s, g);
    } finally {
      engine.lock().writeLock().unlock();
    }
    log.debug("segment {} indexed: {} points", s.number(), s.size());
    maybeMerge();
  }

  private void maybeMerge() {
    EngineConfig c = engine.config();
    List<Segment> pick = new ArrayList<>();
    engine.lock().readLock().lock();
    try {
      List<Segment> indexed = new ArrayList<>();
      for (Segment s : engine.sealed) {
        if (s.graph() != null) {
          indexed.add(s);
        }
      }
      indexed.sort(Comparator.comparingInt(Segment::liveCount));
      if (indexed.size() > c.mergeFactor()) {
        long budget = (long) c.mergeFactor() * c.segmentMaxPoints();
        long sum = 0;
        for (Segment s : indexed) {
          if (pick.size() >= 2 && sum + s.liveCount() > budget) {
            break;
          }
          pick.add(s);
          sum += s.liveCount();
        }
      } else {
        for (Segment s : indexed) {
          if (s.liveCount() * 2 < s.size()) {
            pick.add(s);
            break;
          }
        }
      }
    } finally {
      engine.lock().readLock().unlock();
    }
    if (!pick.isEmpty()) {
      merge(pick, MAX_BASE_DELETED_FRACTION);
    }
  }

  /**
   * Merges {@code inputs} into one new segment. The largest input's graph is kept when no more
   * than {@code maxBaseDeleted} of its nodes are tombstones: its ordinals (tombstones too, as
   * graph nodes that are never live) come first in the output, in order, so only the other
   * inputs' live points are inserted. Otherwise the output's graph is built from scratch, which
   * drops every tombstone.
   */
  private void merge(List<Segment> inputs, double maxBaseDeleted) {
    EngineConfig c = engine.config();
    Segment out;
    Segment base;
    Segment[] fromSeg;
    int[] fromOrd;
    engine.lock().readLock().lock();
    try {
      if (!engine.sealed.containsAll(inputs)) {
        return;
      }
      base = graphBase(inputs, c, maxBaseDeleted);
      out = engine.newSegment();
      int total = base == null ? 0 : base.size() - base.liveCount();
      for (Segment s : inputs) {
        total += s.liveCount();
      }
      fromSeg = new Segment[total];
      fromOrd = new int[total];
      if (base != null) {
        for (int ord = 0; ord < base.size(); ord++) {
          if (base.isLive(ord)) {
            int o = out.append(base.id(ord), base.vectors().get(ord), base.payload(ord), base.text(ord),
                base.logIndex(ord));
            fromSeg[o] = base;
            fromOrd[o] = ord;
          } else {
            // Kept only as a node of the graph: no payload or text, never live (fromSeg stays null).
            out.delete(out.append(base.id(ord), base.vectors().get(ord), Map.of(), null, base.logIndex(ord)));
          }
        }
      }
      for (Segment s : inputs) {
        if (s == base) {
          continue;
        }
        for (IntIterator it = s.live().getIntIterator(); it.hasNext(); ) {
          int ord = it.next();
          int o = out.append(s.id(ord), s.vectors().get(ord), s.payload(ord), s.text(ord), s.logIndex(ord));
          fromSeg[o] = s;
          fromOrd[o] = ord;
        }
      }
    } finally {
      engine.lock().readLock().unlock();
    }
    out.seal();
    if (out.size() > 0) {
      out.setGraph(base == null
          ? SegmentIndexer.build(out, c.hnsw(), c.quantization(), c.pqSubspaces(), c.indexThreads())
          : SegmentIndexer.extend(out, base.graph().graph(), c.quantization(), c.pqSubspaces(), c.indexThreads()));
    }
    engine.lock().writeLock().lock();
    try {
      if (engine.sealed.containsAll(inputs)) {
        engine.adoptMerged(inputs, out, fromSeg, fromOrd);
      }
    } finally {
      engine.lock().writeLock().unlock();
    }
    log.debug("merged {} segments into segment {} ({} live points; {} inserted into the graph of segment {})",
        inputs.size(), out.number(), out.liveCount(), base == null ? out.size() : out.size() - base.size(),
        base == null ? "none" : base.number());
  }

  /**
   * The input whose graph a merge starts from: the one with the most live points, if it has a
   * graph built with the engine's parameters and at most {@code maxDeleted} of it is tombstones;
   * else null (build from scratch). Called under the engine's read lock.
   */
  static Segment graphBase(List<Segment> inputs, EngineConfig c, double maxDeleted) {
    Segment largest = null;
    for (Segment s : inputs) {
      if (largest == null || s.liveCount() > largest.liveCount()) {
        largest = s;
      }
    }
    if (largest == null || largest.size() == 0) {
      return null;
    }
    SegmentGraph g = largest.graph();
    boolean usable = g != null && g.graph().size() == largest.size() && g.graph().params().equals(c.hnsw());
    double deleted = (largest.size() - largest.liveCount()) / (double) largest.size();
    return usable && deleted <= maxDeleted ? largest : null;
  }

  @Override
  public void close() {
    closed = true;
    exec.shutdownNow();
  }
}
