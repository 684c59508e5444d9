package io.quiver.index.flat;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.vector.ConcurrentBits;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.IdOrdinals;
import io.quiver.index.vector.QueryScorer;
import io.quiver.index.vector.Similarity;
import io.quiver.index.vector.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Exact nearest neighbours by scanning every live vector. Thread-safe: adds and deletes serialize
 * on the index, searches run concurrently and see every add that completed before they started.
 */
public final class FlatIndex implements VectorIndex {
  private final Distance distance;
  private final FloatVectorStore store;
  private final FloatScorers scorers;
  private final IdOrdinals ids = new IdOrdinals();
  private final ConcurrentBits deleted = new ConcurrentBits(0);
  // Published after each add so searches scan only complete vectors.
  private volatile int count;

  public FlatIndex(int dimension, Distance distance) {
    this.distance = distance;
    this.store = new FloatVectorStore(dimension);
    this.scorers = new FloatScorers(store, distance);
  }

  @Override
  public int dimension() {
    return store.dimension();
  }

  @Override
  public Distance distance() {
    return distance;
  }

  @Override
  public synchronized void add(PointId id, float[] vector) {
    Similarity.check("vector", vector, store.dimension());
    int ord = store.append(Similarity.prepare(distance, vector));
    int old = ids.put(id, ord);
    if (old >= 0) {
      deleted.set(old);
    }
    count = ord + 1;
  }

  @Override
  public synchronized boolean delete(PointId id) {
    int ord = ids.remove(id);
    if (ord < 0) {
      return false;
    }
    deleted.set(ord);
    return true;
  }

  @Override
  public int size() {
    return ids.liveCount();
  }

  @Override
  public List<ScoredPoint> search(float[] query, int k, int ef, Predicate<PointId> filter) {
    Similarity.check("query", query, store.dimension());
    int n = count;
    QueryScorer scorer = scorers.scorer(Similarity.prepare(distance, query));
    IntPredicate accept =
        ord -> !deleted.get(ord) && (filter == null || filter.test(ids.id(ord))) && ids.isCurrent(ord);
    TopK top = new TopK(k);
    for (int ord = 0; ord < n; ord++) {
      float s = scorer.score(ord);
      if (top.wouldAccept(s) && accept.test(ord)) {
        top.add(ord, s);
      }
    }
    List<ScoredPoint> out = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      out.add(new ScoredPoint(ids.id(top.ord(i)), top.score(i)));
    }
    out.sort(ScoredPoint.BEST_FIRST);
    return out;
  }
}
