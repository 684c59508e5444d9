package io.quiver.index.hnsw;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.vector.ConcurrentBits;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.IdOrdinals;
import io.quiver.index.vector.Similarity;
import io.quiver.index.vector.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * An embeddable HNSW index keyed by point id. {@link #add} may be called from many threads at
 * once; searches may run at the same time. Deletes are tombstones: the node stays in the graph
 * (it still routes searches) but never enters a result. Call {@link #freeze()} once loading is
 * done to let searches read the graph without locks.
 */
public final class HnswIndex implements VectorIndex {
  private final Distance distance;
  private final FloatVectorStore store;
  private final FloatScorers scorers;
  private final HnswBuilder builder;
  private final IdOrdinals ids = new IdOrdinals();
  private final ConcurrentBits deleted = new ConcurrentBits(0);
  private final AtomicInteger nextOrd = new AtomicInteger();
  /** The beam width of {@link #search(float[], int)}. */
  public static final int DEFAULT_EF = 64;

  public HnswIndex(int dimension, Distance distance, HnswParams params) {
    this(dimension, distance, params, 42L);
  }

  public HnswIndex(int dimension, Distance distance, HnswParams params, long seed) {
    this.distance = distance;
    this.store = new FloatVectorStore(dimension);
    this.scorers = new FloatScorers(store, distance);
    this.builder = new HnswBuilder(new HnswGraph(params), scorers, seed);
  }

  @Override
  public int dimension() {
    return store.dimension();
  }

  @Override
  public Distance distance() {
    return distance;
  }

  public HnswGraph graph() {
    return builder.graph();
  }

  public FloatVectorStore vectors() {
    return store;
  }

  @Override
  public void add(PointId id, float[] vector) {
    Similarity.check("vector", vector, store.dimension());
    int ord = nextOrd.getAndIncrement();
    store.set(ord, Similarity.prepare(distance, vector));
    builder.insert(ord);
    int old = ids.put(id, ord);
    if (old >= 0) {
      deleted.set(old);
    }
  }

  @Override
  public boolean delete(PointId id) {
    int ord = ids.remove(id);
    if (ord < 0) {
      return false;
    }
    deleted.set(ord);
    return true;
  }

  /** Ends loading: the graph becomes read-only and searches stop taking locks. */
  public void freeze() {
    builder.graph().freeze();
  }

  @Override
  public int size() {
    return ids.liveCount();
  }

  @Override
  public List<ScoredPoint> search(float[] query, int k, int ef, Predicate<PointId> filter) {
    Similarity.check("query", query, store.dimension());
    IntPredicate accept =
        ord -> !deleted.get(ord) && ids.isCurrent(ord) && (filter == null || filter.test(ids.id(ord)));
    Neighbors nn =
        HnswSearcher.search(
            builder.graph(), scorers.scorer(Similarity.prepare(distance, query)), k, ef, accept);
    List<ScoredPoint> out = new ArrayList<>(nn.size());
    for (int i = 0; i < nn.size(); i++) {
      out.add(new ScoredPoint(ids.id(nn.ords()[i]), nn.scores()[i]));
    }
    out.sort(ScoredPoint.BEST_FIRST);
    return out;
  }

  public List<ScoredPoint> search(float[] query, int k) {
    return search(query, k, DEFAULT_EF, null);
  }
}
