package io.quiver.index.vector;

import java.util.Arrays;

/**
 * Float vectors of one dimension in large chunks ({@value #CHUNK_VECTORS} vectors per chunk)
 * instead of one {@code float[]} per point: ordinal {@code o} lives in
 * {@code chunk(o)[offset(o) .. offset(o) + dimension)}.
 *
 * <p>Concurrency: {@link #ensureCapacity} is synchronized and publishes the chunk table through a
 * volatile field; each ordinal is written by one thread, and readers must be ordered after that
 * write by the caller (a lock, or the graph publication that makes the ordinal reachable).
 */
public final class FloatVectorStore {
  /** Vectors per chunk; a power of two so the chunk of an ordinal is a shift away. */
  public static final int CHUNK_VECTORS = 1024;

  static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK_VECTORS);
  static final int MASK = CHUNK_VECTORS - 1;

  private final int dimension;
  // Guarded by "this" for writes; readers see a complete table through the volatile reference.
  private volatile float[][] chunks = new float[0][];
  private volatile int size;

  public FloatVectorStore(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0 but was " + dimension);
    }
    this.dimension = dimension;
  }

  public int dimension() {
    return dimension;
  }

  /** Number of ordinals reserved so far (the highest written ordinal + 1 for appends). */
  public int size() {
    return size;
  }

  /** Appends a copy of {@code v}; returns its ordinal. Not for concurrent use with itself. */
  public synchronized int append(float[] v) {
    int ord = size;
    set(ord, v);
    return ord;
  }

  /** Stores a copy of {@code v} at {@code ord}, growing the store as needed. */
  public void set(int ord, float[] v) {
    if (v.length != dimension) {
      throw new IllegalArgumentException(
          "vector dimensions differ: " + v.length + "!=" + dimension);
    }
    ensureCapacity(ord + 1);
    System.arraycopy(v, 0, chunk(ord), offset(ord), dimension);
  }

  /** Grows the chunk table so that ordinals below {@code n} can be written. */
  public synchronized void ensureCapacity(int n) {
    float[][] table = chunks;
    int needChunks = (n + CHUNK_VECTORS - 1) >>> SHIFT;
    if (needChunks > table.length || (needChunks > 0 && table[needChunks - 1] == null)) {
      // Only the table doubles; chunks are allocated as they are needed.
      float[][] grown = Arrays.copyOf(table, needChunks > table.length ? Math.max(needChunks, table.length * 2) : table.length);
      for (int c = 0; c < needChunks; c++) {
        if (grown[c] == null) {
          grown[c] = new float[CHUNK_VECTORS * dimension];
        }
      }
      chunks = grown;
    }
    if (n > size) {
      size = n;
    }
  }

  /** The current chunk table (chunks never move; the table is replaced when it grows). */
  float[][] table() {
    return chunks;
  }

  /** The chunk holding ordinal {@code ord}. */
  public float[] chunk(int ord) {
    return chunks[ord >>> SHIFT];
  }

  /** The offset of ordinal {@code ord} inside its chunk. */
  public int offset(int ord) {
    return (ord & MASK) * dimension;
  }

  /** A copy of the vector at {@code ord}. */
  public float[] get(int ord) {
    int off = offset(ord);
    return Arrays.copyOfRange(chunk(ord), off, off + dimension);
  }

  /** Bytes held by the chunk table (allocated, not only used). */
  public long allocatedBytes() {
    long n = Arrays.stream(chunks).filter(c -> c != null).count();
    return n * CHUNK_VECTORS * dimension * Float.BYTES;
  }
}
