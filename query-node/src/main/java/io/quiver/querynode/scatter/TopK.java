package io.quiver.querynode.scatter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best {@code capacity} of a stream of items: a heap with the worst kept item on top, so
 * memory stays at {@code capacity} however many shards and candidates are merged (k up to 10,000
 * over hundreds of shards), and the order of {@code bestFirst} — which must break ties, e.g. by
 * id — makes the result independent of arrival order.
 */
public final class TopK<T> {
  private final int capacity;
  private final Comparator<T> bestFirst;
  private final PriorityQueue<T> worstOnTop;

  public TopK(int capacity, Comparator<T> bestFirst) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
    }
    this.capacity = capacity;
    this.bestFirst = bestFirst;
    this.worstOnTop = new PriorityQueue<>(Math.min(capacity, 1024) + 1, bestFirst.reversed());
  }

  /** Keeps {@code item} if it is among the best so far; false when it was dropped. */
  public boolean offer(T item) {
    if (worstOnTop.size() < capacity) {
      worstOnTop.add(item);
      return true;
    }
    if (bestFirst.compare(item, worstOnTop.peek()) >= 0) {
      return false;
    }
    worstOnTop.poll();
    worstOnTop.add(item);
    return true;
  }

  public int size() {
    return worstOnTop.size();
  }

  /** The kept items, best first. */
  public List<T> bestFirst() {
    List<T> out = new ArrayList<>(worstOnTop);
    out.sort(bestFirst);
    return out;
  }
}
