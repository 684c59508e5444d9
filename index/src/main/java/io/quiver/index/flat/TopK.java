package io.quiver.index.flat;

import io.quiver.index.hnsw.Neighbors;

/**
 * The best {@code k} (ordinal, score) pairs seen so far, for exact scans: a min-heap on score so
 * the worst kept pair is checked in O(1) before any other work.
 */
public final class TopK {
  private final int k;
  private final int[] ords;
  private final float[] scores;
  private int size;

  public TopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 but was " + k);
    }
    this.k = k;
    this.ords = new int[k];
    this.scores = new float[k];
  }

  /** Whether a pair with score {@code s} would be kept. */
  public boolean wouldAccept(float s) {
    return size < k || s > scores[0];
  }

  public void add(int ord, float s) {
    if (size < k) {
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (scores[p] <= s) {
          break;
        }
        ords[i] = ords[p];
        scores[i] = scores[p];
        i = p;
      }
      ords[i] = ord;
      scores[i] = s;
    } else if (s > scores[0]) {
      siftDownFromRoot(ord, s);
    }
  }

  private void siftDownFromRoot(int ord, float s) {
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        break;
      }
      if (c + 1 < size && scores[c + 1] < scores[c]) {
        c++;
      }
      if (s <= scores[c]) {
        break;
      }
      ords[i] = ords[c];
      scores[i] = scores[c];
      i = c;
    }
    ords[i] = ord;
    scores[i] = s;
  }

  public int size() {
    return size;
  }

  /** The i-th kept ordinal, in heap order (sort the results yourself). */
  public int ord(int i) {
    return ords[i];
  }

  public float score(int i) {
    return scores[i];
  }

  /** The kept pairs, best first. */
  public Neighbors toNeighbors(int visited) {
    int n = size;
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      // Order-preserving float bits in the high half, so a sort of longs sorts by score.
      int bits = Float.floatToIntBits(scores[i]);
      bits ^= (bits >> 31) & 0x7fffffff;
      packed[i] = ((long) bits << 32) | i;
    }
    java.util.Arrays.sort(packed);
    int[] o = new int[n];
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      int idx = (int) packed[n - 1 - i];
      o[i] = ords[idx];
      s[i] = scores[idx];
    }
    return new Neighbors(o, s, visited);
  }
}
