package io.quiver.index.hnsw;

import java.util.Arrays;

/**
 * Which nodes a search has scored, reset in O(1) by bumping a generation stamp instead of
 * clearing the array. One per thread (see {@link SearchContext}), reused across searches and
 * graphs; it grows when a graph is larger than anything seen before.
 */
final class VisitedSet {
  private int[] stamps = new int[1024];
  private int generation = 1;

  /** Starts a new search over node ids below {@code capacity}. */
  void reset(int capacity) {
    if (capacity > stamps.length) {
      stamps = new int[capacity + (capacity >>> 3)];
      generation = 1;
      return;
    }
    if (++generation == 0) {
      Arrays.fill(stamps, 0);
      generation = 1;
    }
  }

  /** Marks {@code node}; returns true the first time in this generation. */
  boolean visit(int node) {
    int[] s = stamps;
    if (node >= s.length) {
      stamps = s = Arrays.copyOf(s, node + (node >>> 2) + 1);
    }
    if (s[node] == generation) {
      return false;
    }
    s[node] = generation;
    return true;
  }
}
