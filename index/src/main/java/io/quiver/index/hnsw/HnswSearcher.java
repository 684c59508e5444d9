package io.quiver.index.hnsw;

import io.quiver.index.vector.QueryScorer;
import java.util.function.IntPredicate;

/**
 * Searches an {@link HnswGraph}: a greedy descent through the upper levels, then a beam search
 * of width {@code ef} on the target level. A filter ({@code accept}) decides which nodes may
 * enter the result; rejected nodes are still traversed, so a filter does not cut the graph.
 */
public final class HnswSearcher {
  private HnswSearcher() {}

  /**
   * The best {@code k} accepted nodes for {@code scorer}, searching with beam width
   * {@code max(ef, k)}.
   *
   * @param accept which ordinals may be returned; null accepts all
   */
  public static Neighbors search(
      HnswGraph g, QueryScorer scorer, int k, int ef, IntPredicate accept) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
    if (ef < 1) {
      throw new IllegalArgumentException("ef must be >= 1 but was " + ef);
    }
    long e = g.entry();
    if (e < 0) {
      return Neighbors.EMPTY;
    }
    boolean locked = !g.isFrozen();
    SearchContext ctx = SearchContext.get();
    int ep = (int) e;
    float epScore = scorer.score(ep);
    for (int level = (int) (e >>> 32); level > 0; level--) {
      ep = greedy(g, scorer, ep, epScore, level, ctx, locked);
      epScore = ctx.greedyScore;
    }
    int width = Math.max(ef, k);
    ctx.visited.reset(g.size());
    ctx.candidates.clear(Integer.MAX_VALUE);
    ctx.results.clear(width);
    ctx.visited.visit(ep);
    ctx.candidates.push(ep, epScore);
    if (accept == null || accept.test(ep)) {
      ctx.results.push(ep, epScore);
    }
    int visited = 1 + searchLayer(g, scorer, 0, accept, ctx, locked);
    return drain(ctx.results, k, visited);
  }

  /** Follows strictly better neighbours on {@code level}; leaves the best score in the context. */
  static int greedy(
      HnswGraph g, QueryScorer scorer, int start, float startScore, int level, SearchContext ctx,
      boolean locked) {
    int cur = start;
    float best = startScore;
    boolean moved = true;
    while (moved) {
      moved = false;
      int[] a;
      int off;
      if (locked) {
        g.copyNeighbors(cur, level, ctx.scratch);
        a = ctx.scratch;
        off = 0;
      } else {
        a = g.array(cur, level);
        off = g.offset(cur, level);
      }
      // Scored in one batch, like the beam search below: at high dimensions the upper levels
      // were about 8% of a search, spent in one-at-a-time kernel calls.
      int count = a[off];
      int[] ids = ctx.batchIds;
      float[] scores = ctx.batchScores;
      System.arraycopy(a, off + 1, ids, 0, count);
      scorer.bulkScore(ids, scores, count);
      int next = cur;
      for (int j = 0; j < count; j++) {
        if (scores[j] > best) {
          best = scores[j];
          next = ids[j];
        }
      }
      if (next != cur) {
        cur = next;
        moved = true;
      }
    }
    ctx.greedyScore = best;
    return cur;
  }

  /**
   * Beam search on one level. The caller seeds {@code ctx.candidates}, {@code ctx.results}
   * (bounded at the beam width) and the visited set. Returns how many nodes it scored.
   */
  static int searchLayer(
      HnswGraph g, QueryScorer scorer, int level, IntPredicate accept, SearchContext ctx,
      boolean locked) {
    NodeHeap cand = ctx.candidates;
    NodeHeap res = ctx.results;
    VisitedSet visited = ctx.visited;
    int scored = 0;
    float minAccepted = res.isFull() ? res.topScore() : Float.NEGATIVE_INFINITY;
    while (!cand.isEmpty()) {
      long top = cand.pop();
      if (cand.score(top) < minAccepted) {
        break;
      }
      int c = cand.node(top);
      int[] a;
      int off;
      if (locked) {
        g.copyNeighbors(c, level, ctx.scratch);
        a = ctx.scratch;
        off = 0;
      } else {
        a = g.array(c, level);
        off = g.offset(c, level);
      }
      int end = off + a[off];
      // Gather the unvisited neighbours first, then score them in one tight loop: the vector
      // loads of consecutive neighbours overlap instead of waiting behind heap updates.
      int[] ids = ctx.batchIds;
      int m = 0;
      for (int i = off + 1; i <= end; i++) {
        int n = a[i];
        if (visited.visit(n)) {
          ids[m++] = n;
        }
      }
      float[] scores = ctx.batchScores;
      scorer.bulkScore(ids, scores, m);
      scored += m;
      for (int j = 0; j < m; j++) {
        int n = ids[j];
        float s = scores[j];
        if (s >= minAccepted) {
          cand.push(n, s);
          if ((accept == null || accept.test(n)) && res.insertWithOverflow(n, s) && res.isFull()) {
            minAccepted = res.topScore();
          }
        }
      }
    }
    return scored;
  }

  /** Empties a result min-heap into arrays, best first, keeping the best {@code k}. */
  static Neighbors drain(NodeHeap res, int k, int visited) {
    while (res.size() > k) {
      res.pop();
    }
    int n = res.size();
    int[] ords = new int[n];
    float[] scores = new float[n];
    for (int i = n - 1; i >= 0; i--) {
      long key = res.pop();
      ords[i] = res.node(key);
      scores[i] = res.score(key);
    }
    return new Neighbors(ords, scores, visited);
  }
}
