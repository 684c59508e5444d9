package io.quiver.index.hnsw;

import java.util.Arrays;

/**
 * A binary heap of (node, score) pairs packed into longs: the score's order-preserving int bits
 * in the high half, the node in the low half. A min-heap keeps the worst of the best results on
 * top; a max-heap pops the best candidate first (its keys are stored inverted). No allocation
 * per push, which matters in the search loop.
 */
final class NodeHeap {
  private final boolean max;
  private long[] heap;
  private int size;
  private int capacity;

  NodeHeap(int initialCapacity, boolean max) {
    this.max = max;
    this.heap = new long[Math.max(2, initialCapacity + 1)];
  }

  static NodeHeap min(int capacity) {
    return new NodeHeap(capacity, false);
  }

  static NodeHeap max(int capacity) {
    return new NodeHeap(capacity, true);
  }

  /** Empties the heap and sets the bound used by {@link #insertWithOverflow}. */
  void clear(int boundedCapacity) {
    size = 0;
    capacity = boundedCapacity;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  boolean isFull() {
    return size >= capacity;
  }

  void push(int node, float score) {
    long key = encode(node, score);
    if (++size >= heap.length) {
      heap = Arrays.copyOf(heap, heap.length * 2);
    }
    heap[size] = key;
    up(size);
  }

  /**
   * For a min-heap bounded at the capacity given to {@link #clear}: adds the pair if there is
   * room, or replaces the top if the pair is better. Returns true when it was kept.
   */
  boolean insertWithOverflow(int node, float score) {
    if (size < capacity) {
      push(node, score);
      return true;
    }
    long key = encode(node, score);
    if (key > heap[1]) {
      heap[1] = key;
      down(1);
      return true;
    }
    return false;
  }

  int topNode() {
    return node(heap[1]);
  }

  float topScore() {
    return score(heap[1]);
  }

  /** Removes the top; returns its packed key (decode with {@link #node}/{@link #score}). */
  long pop() {
    long top = heap[1];
    heap[1] = heap[size--];
    if (size > 0) {
      down(1);
    }
    return top;
  }

  int nodeAt(int i) {
    return node(heap[i + 1]);
  }

  float scoreAt(int i) {
    return score(heap[i + 1]);
  }

  int node(long key) {
    return (int) (max ? ~key : key);
  }

  float score(long key) {
    return unsortable((int) ((max ? ~key : key) >> 32));
  }

  private long encode(int node, float score) {
    long k = ((long) sortable(score) << 32) | (node & 0xFFFFFFFFL);
    return max ? ~k : k;
  }

  // Keys are compared as a min-heap; max-heaps store inverted keys.
  private void up(int i) {
    long k = heap[i];
    while (i > 1) {
      int p = i >>> 1;
      if (heap[p] <= k) {
        break;
      }
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = k;
  }

  private void down(int i) {
    long k = heap[i];
    int half = size >>> 1;
    while (i <= half) {
      int c = i << 1;
      if (c < size && heap[c + 1] < heap[c]) {
        c++;
      }
      if (k <= heap[c]) {
        break;
      }
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = k;
  }

  static int sortable(float f) {
    int bits = Float.floatToIntBits(f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  static float unsortable(int s) {
    return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
  }
}
