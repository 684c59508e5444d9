package io.quiver.index.vector;

import io.quiver.common.model.PointId;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps point ids to int ordinals and back. An id has at most one current ordinal; re-adding an id
 * gives it a new ordinal and the old one is left behind (the caller tombstones it), so
 * {@link #isCurrent} is the dedup check: an ordinal counts only while it is its id's current one.
 *
 * <p>Concurrency: the id map is a concurrent map; the ordinal table is grown under "this" and
 * each slot written once, before the ordinal is made reachable by the caller.
 */
public final class IdOrdinals {
  private static final int SHIFT = 12;
  private static final int CHUNK = 1 << SHIFT;

  private final ConcurrentHashMap<PointId, Integer> ordOf = new ConcurrentHashMap<>();
  private volatile PointId[][] idOf = new PointId[0][];

  /** Records {@code id} at {@code ord}; returns the id's previous ordinal or -1. */
  public int put(PointId id, int ord) {
    ensure(ord);
    idOf[ord >>> SHIFT][ord & (CHUNK - 1)] = id;
    Integer old = ordOf.put(id, ord);
    return old == null ? -1 : old;
  }

  /** Forgets {@code id}; returns its ordinal or -1. */
  public int remove(PointId id) {
    Integer old = ordOf.remove(id);
    return old == null ? -1 : old;
  }

  public int ordinal(PointId id) {
    Integer o = ordOf.get(id);
    return o == null ? -1 : o;
  }

  public PointId id(int ord) {
    return idOf[ord >>> SHIFT][ord & (CHUNK - 1)];
  }

  /** True while {@code ord} is the current ordinal of its id. */
  public boolean isCurrent(int ord) {
    PointId id = id(ord);
    Integer cur = id == null ? null : ordOf.get(id);
    return cur != null && cur == ord;
  }

  public int liveCount() {
    return ordOf.size();
  }

  private synchronized void ensure(int ord) {
    PointId[][] t = idOf;
    int need = (ord >>> SHIFT) + 1;
    if (need > t.length) {
      PointId[][] g = Arrays.copyOf(t, Math.max(need, t.length * 2));
      for (int i = t.length; i < g.length; i++) {
        g[i] = new PointId[CHUNK];
      }
      idOf = g;
    }
  }
}
