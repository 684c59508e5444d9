package io.quiver.index.hnsw;

import io.quiver.index.vector.QueryScorer;
import io.quiver.index.vector.ScorerSource;
import java.util.Arrays;

/**
 * The adjacency of an HNSW graph over ordinals {@code 0..size)}. Level 0 (every node) lives in
 * large int chunks, one fixed slot of {@code 1 + 2m} ints per node: the count, then the
 * neighbours sorted best first. Upper levels (about one node in {@code m}) have small arrays of
 * their own. While building, a parallel float slot keeps each neighbour's score so pruning needs
 * no recomputation; {@link #freeze()} drops them.
 *
 * <p>Concurrency: a neighbour list is written only under its node's striped lock. Until the graph
 * is frozen, readers copy lists under the same lock ({@link #copyNeighbors}); after it, the
 * graph is immutable and readers use the arrays directly. The entry point is a volatile long.
 */
public final class HnswGraph {
  static final int CHUNK = 1024;
  static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK);
  static final int MASK = CHUNK - 1;
  private static final int LOCK_STRIPES = 1024;
  static final int MAX_LEVEL = 24;

  private final HnswParams params;
  private final int slot0;
  private final Object[] locks = new Object[LOCK_STRIPES];

  // Chunk tables: grown under "this", read through the volatile references.
  private volatile int[][] level0 = new int[0][];
  private volatile float[][] scores0 = new float[0][];
  private volatile Upper[][] upper = new Upper[0][];
  private volatile int size;
  // (level << 32) | node, or -1 while empty.
  private volatile long entry = -1;
  private volatile boolean frozen;

  /** Upper-level lists of one node: index {@code l - 1} holds level {@code l}. */
  static final class Upper {
    final int[][] nbrs;
    float[][] scores;

    Upper(int levels, int maxConn) {
      nbrs = new int[levels][maxConn + 1];
      scores = new float[levels][maxConn + 1];
    }
  }

  public HnswGraph(HnswParams params) {
    this.params = params;
    this.slot0 = params.maxConn(0) + 1;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  public HnswParams params() {
    return params;
  }

  /** One past the highest allocated node. */
  public int size() {
    return size;
  }

  public boolean isFrozen() {
    return frozen;
  }

  /** Marks the graph read-only and drops the build-time scores; searches then take no locks. */
  public synchronized void freeze() {
    frozen = true;
    scores0 = null;
    for (Upper[] chunk : upper) {
      for (Upper u : chunk == null ? new Upper[0] : chunk) {
        if (u != null) {
          u.scores = null;
        }
      }
    }
  }

  /**
   * An unfrozen copy of this graph to insert more nodes into: the same nodes, levels, lists and
   * entry point, with the build-time scores recomputed from {@code source} (whose ordinals
   * {@code 0..size)} must be this graph's nodes). This graph is not changed.
   */
  HnswGraph copyForInsert(ScorerSource source) {
    HnswGraph g = new HnswGraph(params);
    int n = size;
    int[] list = new int[params.maxConn(0) + 1];
    for (int node = 0; node < n; node++) {
      int level = levelOf(node);
      g.allocate(node, level);
      QueryScorer scorer = source.scorer(node);
      for (int l = 0; l <= level; l++) {
        copyNeighbors(node, l, list);
        int[] a = g.array(node, l);
        float[] sa = g.scoreArray(node, l);
        int off = g.offset(node, l);
        int cnt = list[0];
        a[off] = cnt;
        for (int i = 1; i <= cnt; i++) {
          a[off + i] = list[i];
          sa[off + i] = scorer.score(list[i]);
        }
      }
    }
    g.entry = entry;
    return g;
  }

  /** Entry point node, or -1 for an empty graph. */
  public int entryNode() {
    long e = entry;
    return e < 0 ? -1 : (int) e;
  }

  public int entryLevel() {
    long e = entry;
    return e < 0 ? -1 : (int) (e >>> 32);
  }

  long entry() {
    return entry;
  }

  /** Raises the entry point to {@code node} if its level is higher than the current one. */
  synchronized boolean offerEntry(int node, int level) {
    long e = entry;
    if (e < 0 || level > (int) (e >>> 32)) {
      entry = ((long) level << 32) | node;
      return true;
    }
    return false;
  }

  /** Allocates the lists of {@code node} with levels {@code 0..level}. */
  void allocate(int node, int level) {
    if (frozen) {
      throw new IllegalStateException("graph is frozen");
    }
    ensureCapacity(node + 1);
    if (level > 0) {
      Upper u = new Upper(level, params.m());
      synchronized (lock(node)) {
        upper[node >>> SHIFT][node & MASK] = u;
      }
    }
  }

  private synchronized void ensureCapacity(int n) {
    int need = (n + CHUNK - 1) >>> SHIFT;
    if (need > level0.length || level0[need - 1] == null) {
      // Only the table doubles; chunks are allocated as they are needed.
      int len = need > level0.length ? Math.max(need, level0.length * 2) : level0.length;
      int[][] l0 = Arrays.copyOf(level0, len);
      float[][] s0 = Arrays.copyOf(scores0, len);
      Upper[][] up = Arrays.copyOf(upper, len);
      for (int c = 0; c < len; c++) {
        if (l0[c] != null || c >= need) {
          continue;
        }
        l0[c] = new int[CHUNK * slot0];
        s0[c] = new float[CHUNK * slot0];
        up[c] = new Upper[CHUNK];
      }
      scores0 = s0;
      upper = up;
      level0 = l0;
    }
    if (n > size) {
      size = n;
    }
  }

  Object lock(int node) {
    return locks[node & (LOCK_STRIPES - 1)];
  }

  /** The level of {@code node} (0 when it has no upper lists). */
  public int levelOf(int node) {
    Upper u = upper[node >>> SHIFT][node & MASK];
    return u == null ? 0 : u.nbrs.length;
  }

  /** The array holding the list of {@code node} at {@code level}; see {@link #offset}. */
  int[] array(int node, int level) {
    return level == 0 ? level0[node >>> SHIFT] : upper[node >>> SHIFT][node & MASK].nbrs[level - 1];
  }

  /** Where the list starts in {@link #array}: the count, then the neighbours. */
  int offset(int node, int level) {
    return level == 0 ? (node & MASK) * slot0 : 0;
  }

  float[] scoreArray(int node, int level) {
    return level == 0
        ? scores0[node >>> SHIFT]
        : upper[node >>> SHIFT][node & MASK].scores[level - 1];
  }

  /** Copies the list of {@code node} at {@code level} (count first) into {@code dst} under its lock. */
  void copyNeighbors(int node, int level, int[] dst) {
    synchronized (lock(node)) {
      int[] a = array(node, level);
      int off = offset(node, level);
      System.arraycopy(a, off, dst, 0, a[off] + 1);
    }
  }

  /** The neighbours of {@code node} at {@code level}, copied; for tests and serialization. */
  public int[] neighbors(int node, int level) {
    int[] tmp = new int[params.maxConn(level) + 1];
    copyNeighbors(node, level, tmp);
    return Arrays.copyOfRange(tmp, 1, 1 + tmp[0]);
  }

  /** Replaces the list of {@code node} at {@code level}; for loading a saved graph. */
  void setNeighbors(int node, int level, int[] nbrs) {
    if (nbrs.length > params.maxConn(level)) {
      throw new IllegalArgumentException(
          "node " + node + " has " + nbrs.length + " neighbours at level " + level
              + " but at most " + params.maxConn(level) + " fit");
    }
    synchronized (lock(node)) {
      int[] a = array(node, level);
      int off = offset(node, level);
      a[off] = nbrs.length;
      System.arraycopy(nbrs, 0, a, off + 1, nbrs.length);
    }
  }

  /** Bytes held by the adjacency (allocated chunks and upper lists). */
  public long bytes() {
    long chunks = Arrays.stream(level0).filter(c -> c != null).count();
    long b = chunks * CHUNK * slot0 * Integer.BYTES;
    if (scores0 != null) {
      b += chunks * CHUNK * slot0 * Float.BYTES;
    }
    for (Upper[] chunk : upper) {
      if (chunk == null) {
        continue;
      }
      for (Upper u : chunk) {
        if (u != null) {
          b += (long) u.nbrs.length * (params.m() + 1) * Integer.BYTES * (u.scores == null ? 1 : 2);
        }
      }
    }
    return b;
  }
}
