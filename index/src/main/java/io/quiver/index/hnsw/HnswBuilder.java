package io.quiver.index.hnsw;

import io.quiver.index.vector.QueryScorer;
import io.quiver.index.vector.ScorerSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Inserts nodes into an {@link HnswGraph}; safe to call {@link #insert} from many threads at once
 * (each node inserted once). Neighbours are chosen with the diversity heuristic of the HNSW paper:
 * a candidate is kept only if it is closer to the new node than to every neighbour already kept,
 * which preserves long links between clusters. A full list that receives a back link drops a
 * neighbour made redundant by the newcomer, or else its worst one.
 *
 * <p>Levels come from a hash of the ordinal and a seed, so a graph is the same whatever the
 * thread schedule decides about levels.
 */
public final class HnswBuilder {
  private final HnswGraph graph;
  private final ScorerSource source;
  private final HnswParams params;
  private final long seed;
  private final double levelMultiplier;

  public HnswBuilder(HnswGraph graph, ScorerSource source, long seed) {
    this.graph = graph;
    this.source = source;
    this.params = graph.params();
    this.seed = seed;
    this.levelMultiplier = 1 / Math.log(params.m());
  }

  public HnswGraph graph() {
    return graph;
  }

  /**
   * Builds a frozen graph over ordinals {@code 0..n)} of {@code source} with {@code threads}
   * threads (the calling thread when 1).
   */
  public static HnswGraph build(ScorerSource source, int n, HnswParams params, int threads, long seed) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
    }
    HnswBuilder b = new HnswBuilder(new HnswGraph(params), source, seed);
    b.insertAll(0, n, threads);
    b.graph.freeze();
    return b.graph;
  }

  /**
   * Builds a frozen graph over ordinals {@code 0..n)} of {@code source} that starts from
   * {@code base}: ordinals {@code 0..base.size())} of {@code source} must be the base graph's
   * nodes (same vectors), whose lists are copied; only the ordinals after them are inserted. A
   * merge of sealed segments uses it to keep the largest input's graph instead of rebuilding it.
   */
  public static HnswGraph extend(HnswGraph base, ScorerSource source, int n, int threads, long seed) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
    }
    if (n < base.size()) {
      throw new IllegalArgumentException("n must be >= the base graph's " + base.size() + " nodes but was " + n);
    }
    HnswBuilder b = new HnswBuilder(base.copyForInsert(source), source, seed);
    b.insertAll(base.size(), n, threads);
    b.graph.freeze();
    return b.graph;
  }

  /** Inserts ordinals {@code from..to)} with {@code threads} threads; rethrows the first failure. */
  public void insertAll(int from, int to, int threads) {
    if (threads == 1 || to - from < 2 * 64) {
      for (int i = from; i < to; i++) {
        insert(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger(from);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable work =
        () -> {
          try {
            int start;
            while (failure.get() == null && (start = next.getAndAdd(64)) < to) {
              for (int i = start; i < Math.min(to, start + 64); i++) {
                insert(i);
              }
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        };
    List<Thread> started = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      started.add(Thread.ofPlatform().name("hnsw-build-" + t).daemon().start(work));
    }
    work.run();
    for (Thread t : started) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while building an HNSW graph", e);
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }

  /** The level of {@code node}: {@code floor(-ln(u) / ln(m))} with {@code u} hashed from it. */
  int levelFor(int node) {
    long h = mix(seed ^ (node * 0x9E3779B97F4A7C15L));
    double u = ((h >>> 11) + 1) * 0x1.0p-53;
    return Math.min(HnswGraph.MAX_LEVEL, (int) (-Math.log(u) * levelMultiplier));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Inserts {@code node}, whose vector must already be readable through the source. */
  public void insert(int node) {
    int level = levelFor(node);
    graph.allocate(node, level);
    long e = graph.entry();
    if (e < 0) {
      if (graph.offerEntry(node, level)) {
        return;
      }
      e = graph.entry();
    }
    QueryScorer scorer = source.scorer(node);
    SearchContext ctx = SearchContext.get();
    int ep = (int) e;
    int epLevel = (int) (e >>> 32);
    float epScore = scorer.score(ep);
    for (int l = epLevel; l > level; l--) {
      ep = HnswSearcher.greedy(graph, scorer, ep, epScore, l, ctx, true);
      epScore = ctx.greedyScore;
    }
    int[] eps = {ep};
    float[] epScores = {epScore};
    for (int l = Math.min(level, epLevel); l >= 0; l--) {
      ctx.visited.reset(graph.size());
      ctx.candidates.clear(Integer.MAX_VALUE);
      ctx.results.clear(params.efConstruct());
      ctx.visited.visit(node);
      for (int i = 0; i < eps.length; i++) {
        if (ctx.visited.visit(eps[i])) {
          ctx.candidates.push(eps[i], epScores[i]);
          ctx.results.insertWithOverflow(eps[i], epScores[i]);
        }
      }
      HnswSearcher.searchLayer(graph, scorer, l, null, ctx, true);
      Neighbors found = HnswSearcher.drain(ctx.results, Integer.MAX_VALUE, 0);
      link(node, found.ords(), found.scores(), l);
      if (found.size() > 0) {
        eps = found.ords();
        epScores = found.scores();
      }
    }
    if (level > epLevel) {
      graph.offerEntry(node, level);
    }
  }

  /** Picks diverse neighbours among best-first candidates, then links both ways. */
  private void link(int node, int[] cands, float[] scores, int level) {
    int maxConn = params.maxConn(level);
    int[] sel = new int[maxConn];
    float[] selScores = new float[maxConn];
    int n = 0;
    for (int i = 0; i < cands.length && n < maxConn; i++) {
      int c = cands[i];
      float s = scores[i];
      boolean diverse = true;
      for (int j = 0; j < n; j++) {
        if (source.score(c, sel[j]) > s) {
          diverse = false;
          break;
        }
      }
      if (diverse) {
        sel[n] = c;
        selScores[n++] = s;
      }
    }
    for (int j = 0; j < n; j++) {
      addLink(node, sel[j], selScores[j], level);
    }
    for (int j = 0; j < n; j++) {
      addLink(sel[j], node, selScores[j], level);
    }
  }

  /** Adds {@code x} (score {@code s} to {@code n}) to the list of {@code n}, pruning a full list. */
  private void addLink(int n, int x, float s, int level) {
    int maxConn = params.maxConn(level);
    synchronized (graph.lock(n)) {
      int[] a = graph.array(n, level);
      float[] sa = graph.scoreArray(n, level);
      int off = graph.offset(n, level);
      int cnt = a[off];
      int pos = cnt + 1;
      for (int i = 1; i <= cnt; i++) {
        if (a[off + i] == x) {
          return;
        }
        if (pos > cnt && sa[off + i] < s) {
          pos = i;
        }
      }
      if (cnt < maxConn) {
        insertAt(a, sa, off, cnt, pos, x, s);
        a[off] = cnt + 1;
        return;
      }
      // Full: x must be diverse against the better neighbours to get in at all.
      for (int i = 1; i < pos; i++) {
        if (source.score(x, a[off + i]) > s) {
          return;
        }
      }
      // Then it evicts the worst neighbour it makes redundant, or the worst one overall.
      int evict = -1;
      for (int i = cnt; i >= pos; i--) {
        if (source.score(a[off + i], x) > sa[off + i]) {
          evict = i;
          break;
        }
      }
      if (evict < 0) {
        if (pos > cnt) {
          return;
        }
        evict = cnt;
      }
      System.arraycopy(a, off + evict + 1, a, off + evict, cnt - evict);
      System.arraycopy(sa, off + evict + 1, sa, off + evict, cnt - evict);
      insertAt(a, sa, off, cnt - 1, pos, x, s);
    }
  }

  private static void insertAt(int[] a, float[] sa, int off, int cnt, int pos, int x, float s) {
    System.arraycopy(a, off + pos, a, off + pos + 1, cnt - pos + 1);
    System.arraycopy(sa, off + pos, sa, off + pos + 1, cnt - pos + 1);
    a[off + pos] = x;
    sa[off + pos] = s;
  }
}
