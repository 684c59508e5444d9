package io.quiver.datanode.store;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.util.List;
import java.util.Objects;

/**
 * One change to a shard, carried by one log entry and applied atomically. A delete by filter
 * stays a filter until it is applied, so every replica evaluates it against the same state.
 */
public sealed interface ShardOp permits ShardOp.Upsert, ShardOp.Delete, ShardOp.DeleteByFilter,
    ShardOp.PurgeTombstones {

  /** Inserts or replaces points; the last of two points with one id wins. */
  record Upsert(List<Point> points) implements ShardOp {
    public Upsert {
      points = List.copyOf(points);
      if (points.isEmpty()) {
        throw new IllegalArgumentException("upsert needs at least one point");
      }
    }
  }

  /** Deletes points by id; absent ids are ignored. */
  record Delete(List<PointId> ids) implements ShardOp {
    public Delete {
      ids = List.copyOf(ids);
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("delete needs at least one id");
      }
    }
  }

  /** Deletes every live point whose payload matches the filter at apply time. */
  record DeleteByFilter(Filter filter) implements ShardOp {
    public DeleteByFilter {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /**
   * Forgets the tombstones of deletes at log index {@code upTo} or below. Only the shard's leader
   * proposes it, once every replica it knows of has committed past {@code upTo} (ARCHITECTURE.md,
   * "Writes" 5), so every replica purges at the same log position. Points and the search index
   * are untouched.
   */
  record PurgeTombstones(long upTo) implements ShardOp {
    public PurgeTombstones {
      if (upTo < 1) {
        throw new IllegalArgumentException("a tombstone purge needs a log index >= 1 but was " + upTo);
      }
    }
  }
}
