package io.quiver.index.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A growable bit set that many threads may read while others set bits: setters serialize on
 * the instance (sets are rare: they are deletes), readers read without a lock through the
 * volatile word table and acquire reads. Used for tombstones (deleted ordinals).
 */
public final class ConcurrentBits {
  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  // Written under "this"; read without a lock.
  private volatile long[] words;

  public ConcurrentBits(int initialBits) {
    if (initialBits < 0) {
      throw new IllegalArgumentException("initialBits must be >= 0 but was " + initialBits);
    }
    words = new long[Math.max(1, (initialBits + 63) >>> 6)];
  }

  /** Sets bit {@code i}; returns true if it was clear. */
  public synchronized boolean set(int i) {
    long[] w = ensure(i);
    long mask = 1L << i;
    long old = (long) WORDS.getAndBitwiseOr(w, i >>> 6, mask);
    return (old & mask) == 0;
  }

  public boolean get(int i) {
    long[] w = words;
    int wi = i >>> 6;
    return wi < w.length && (((long) WORDS.getAcquire(w, wi)) & (1L << i)) != 0;
  }

  /** Number of set bits. */
  public int cardinality() {
    long[] w = words;
    int c = 0;
    for (int i = 0; i < w.length; i++) {
      c += Long.bitCount((long) WORDS.getAcquire(w, i));
    }
    return c;
  }

  /** A copy of the words, for serialization. */
  public long[] toWords() {
    long[] w = words;
    long[] copy = new long[w.length];
    for (int i = 0; i < w.length; i++) {
      copy[i] = (long) WORDS.getAcquire(w, i);
    }
    return copy;
  }

  public static ConcurrentBits fromWords(long[] w) {
    ConcurrentBits b = new ConcurrentBits(0);
    b.words = w.length == 0 ? new long[1] : w.clone();
    return b;
  }

  private long[] ensure(int i) {
    long[] w = words;
    if ((i >>> 6) < w.length) {
      return w;
    }
    long[] grown = Arrays.copyOf(w, Math.max((i >>> 6) + 1, w.length * 2));
    words = grown;
    return grown;
  }
}
