package io.quiver.index.hnsw;

/**
 * Per-thread scratch space for graph searches: the visited set, both heaps and a buffer for
 * neighbour lists copied under a lock. Taken from a thread-local so searches allocate nothing
 * but their result.
 */
final class SearchContext {
  private static final ThreadLocal<SearchContext> LOCAL = ThreadLocal.withInitial(SearchContext::new);

  final VisitedSet visited = new VisitedSet();
  final NodeHeap candidates = NodeHeap.max(256);
  final NodeHeap results = NodeHeap.min(256);
  int[] scratch = new int[1 + 1024];
  final int[] batchIds = new int[1024];
  final float[] batchScores = new float[1024];
  // Score of the node the last greedy descent stopped at.
  float greedyScore;

  static SearchContext get() {
    return LOCAL.get();
  }
}
