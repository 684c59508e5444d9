package io.quiver.index.hnsw;

import java.util.Arrays;

/**
 * Which nodes a search has scored: one bit per node, so the set of a 100k-node graph is 12.5 KB
 * and stays in the L1 cache while the walk streams vectors through it (an int stamp per node was
 * 400 KB). Reset costs what the last search touched: the words it set are remembered and only
 * they are cleared. One per thread (see {@link SearchContext}), reused across searches and
 * graphs; it grows when a graph is larger than anything seen before.
 */
final class VisitedSet {
  private long[] bits = new long[16];
  // Indexes of the words that became non-zero since the last reset.
  private int[] touched = new int[64];
  private int touchedCount;

  /** Starts a new search over node ids below {@code capacity}. */
  void reset(int capacity) {
    int words = (capacity + 63) >>> 6;
    if (words > bits.length) {
      bits = new long[words + (words >>> 3)];
      touchedCount = 0;
      return;
    }
    long[] b = bits;
    int[] t = touched;
    for (int i = 0; i < touchedCount; i++) {
      b[t[i]] = 0;
    }
    touchedCount = 0;
  }

  /** Marks {@code node}; returns true the first time since the last reset. */
  boolean visit(int node) {
    int w = node >>> 6;
    long[] b = bits;
    if (w >= b.length) {
      bits = b = Arrays.copyOf(b, w + (w >>> 2) + 1);
    }
    long word = b[w];
    long mask = 1L << node; // the shift uses the low six bits of node
    if ((word & mask) != 0) {
      return false;
    }
    if (word == 0) {
      if (touchedCount == touched.length) {
        touched = Arrays.copyOf(touched, touchedCount * 2);
      }
      touched[touchedCount++] = w;
    }
    b[w] = word | mask;
    return true;
  }
}
