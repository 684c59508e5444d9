package io.quiver.index.segment;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.index.filter.FilterTarget;
import io.quiver.index.flat.TopK;
import io.quiver.index.hnsw.HnswSearcher;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.payload.PayloadIndex;
import io.quiver.index.quant.Rescorer;
import io.quiver.index.text.TextIndex;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.QueryScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * An append-only run of points (ordinals {@code 0..size)}) with their vectors, payloads, texts,
 * the log index of each write, and the payload and text indexes. A delete clears the ordinal from
 * the live bitmap (a tombstone); merges drop tombstoned ordinals. Once sealed it takes no more
 * appends and, when its graph is built, searches walk it instead of scanning.
 *
 * <p>Concurrency: not thread-safe by itself. The shard engine calls mutators under its write lock
 * and readers under its read lock; the background indexer reads only the vectors of a sealed
 * segment, which never change. The graph is published through a volatile field.
 */
public final class Segment implements FilterTarget {
  private final int number;
  private final Distance distance;
  private final FloatVectorStore vectors;
  private final FloatScorers scorers;
  private final List<PointId> ids = new ArrayList<>();
  private final List<Map<String, Object>> payloads = new ArrayList<>();
  private final List<String> texts = new ArrayList<>();
  private long[] logIndexes = new long[64];
  private final RoaringBitmap live = new RoaringBitmap();
  private final Map<PointId, Integer> ordOf = new HashMap<>();
  private final PayloadIndex payloadIndex;
  private final TextIndex textIndex = new TextIndex();
  private volatile boolean sealed;
  private volatile SegmentGraph graph;

  public Segment(int number, int dimension, Distance distance, PayloadSchema schema) {
    this.number = number;
    this.distance = distance;
    this.vectors = new FloatVectorStore(dimension);
    this.scorers = new FloatScorers(vectors, distance);
    this.payloadIndex = new PayloadIndex(schema);
  }

  public int number() {
    return number;
  }

  public Distance distance() {
    return distance;
  }

  /** Appends a point whose vector is already prepared for the distance; returns its ordinal. */
  public int append(PointId id, float[] prepared, Map<String, Object> payload, String text, long logIndex) {
    if (sealed) {
      throw new IllegalStateException("segment " + number + " is sealed");
    }
    int ord = vectors.append(prepared);
    ids.add(id);
    payloads.add(payload);
    texts.add(text);
    if (ord >= logIndexes.length) {
      logIndexes = Arrays.copyOf(logIndexes, logIndexes.length * 2);
    }
    logIndexes[ord] = logIndex;
    live.add(ord);
    ordOf.put(id, ord);
    payloadIndex.add(ord, payload);
    if (text != null) {
      textIndex.add(ord, text);
    }
    return ord;
  }

  /** Tombstones {@code ord}; returns false when it was already deleted. */
  public boolean delete(int ord) {
    if (!live.checkedRemove(ord)) {
      return false;
    }
    ordOf.remove(ids.get(ord), ord);
    return true;
  }

  public void seal() {
    sealed = true;
  }

  public boolean isSealed() {
    return sealed;
  }

  public SegmentGraph graph() {
    return graph;
  }

  public void setGraph(SegmentGraph g) {
    if (!sealed) {
      throw new IllegalStateException("segment " + number + " must be sealed before it is indexed");
    }
    graph = g;
  }

  public int size() {
    return ids.size();
  }

  public int liveCount() {
    return live.getCardinality();
  }

  public FloatVectorStore vectors() {
    return vectors;
  }

  public FloatScorers scorers() {
    return scorers;
  }

  public PointId id(int ord) {
    return ids.get(ord);
  }

  public long logIndex(int ord) {
    return logIndexes[ord];
  }

  public String text(int ord) {
    return texts.get(ord);
  }

  public boolean isLive(int ord) {
    return live.contains(ord);
  }

  /** The stored point (its vector as stored: normalized for cosine). */
  public Point point(int ord) {
    return new Point(ids.get(ord), vectors.get(ord), payloads.get(ord), texts.get(ord));
  }

  @Override
  public RoaringBitmap live() {
    return live;
  }

  @Override
  public Map<String, Object> payload(int ord) {
    return payloads.get(ord);
  }

  @Override
  public int ordinal(PointId id) {
    Integer o = ordOf.get(id);
    return o == null ? -1 : o;
  }

  @Override
  public PayloadIndex payloadIndex() {
    return payloadIndex;
  }

  public TextIndex textIndex() {
    return textIndex;
  }

  /**
   * The best {@code k} live points among {@code allowed} (null: all live) for a prepared query.
   * Walks the graph when there is one and {@link SearchPlanner} says a walk is cheaper; scans
   * otherwise, or when {@code exact}.
   */
  public Neighbors search(float[] query, int k, int ef, RoaringBitmap allowed, boolean exact, float oversampling) {
    SegmentGraph g = graph;
    RoaringBitmap candidates = allowed == null ? live : allowed;
    int matching = candidates.getCardinality();
    if (matching == 0) {
      return Neighbors.EMPTY;
    }
    if (exact || g == null || (allowed != null && SearchPlanner.preferExact(matching, liveCount(), ef))) {
      return scan(scorers.scorer(query), k, candidates);
    }
    IntPredicate accept;
    if (allowed != null) {
      accept = allowed::contains;
    } else if (matching == size()) {
      accept = null;
    } else {
      accept = live::contains;
    }
    Neighbors found;
    if (g.quantized()) {
      int fetch = Math.max(k, Rescorer.candidates(k, oversampling));
      Neighbors cand = HnswSearcher.search(g.graph(), g.walk().scorer(query), fetch, Math.max(ef, fetch), accept);
      found = Rescorer.rescore(cand, scorers.scorer(query), k);
    } else {
      found = HnswSearcher.search(g.graph(), scorers.scorer(query), k, ef, accept);
    }
    if (found.size() < Math.min(k, matching)) {
      return scan(scorers.scorer(query), k, candidates);
    }
    return found;
  }

  private static Neighbors scan(QueryScorer scorer, int k, RoaringBitmap ords) {
    TopK top = new TopK(k);
    IntIterator it = ords.getIntIterator();
    while (it.hasNext()) {
      int ord = it.next();
      float s = scorer.score(ord);
      if (top.wouldAccept(s)) {
        top.add(ord, s);
      }
    }
    return top.toNeighbors(ords.getCardinality());
  }

  /** Estimated heap bytes: vectors, graph, codes, and a rough per-point overhead for the rest. */
  public long memoryBytes() {
    long b = vectors.allocatedBytes() + 96L * size();
    SegmentGraph g = graph;
    if (g != null) {
      b += g.graph().bytes();
      if (g.quantized()) {
        b += (long) g.codeBytesPerVector() * size();
      }
    }
    return b;
  }
}
