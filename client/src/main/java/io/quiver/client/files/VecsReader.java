package io.quiver.client.files;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams the rows of a little-endian {@code .fvecs} (float32) or {@code .ivecs} (int32) file: each
 * row is an int32 dimension followed by that many values. Rows of differing dimension, a
 * truncated row, or a non-positive dimension are refused naming the file and row.
 */
public final class VecsReader implements Iterator<float[]>, Closeable {
  private final Path file;
  private final DataInputStream in;
  private final boolean ints;
  private final long limit;
  private long row;
  private int dimension = -1;
  private float[] next;

  private VecsReader(Path file, boolean ints, long limit) throws IOException {
    this.file = file;
    this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    this.ints = ints;
    this.limit = limit;
  }

  /** Float rows of an {@code .fvecs} file; at most {@code limit} rows (negative: all). */
  public static VecsReader fvecs(Path file, long limit) throws IOException {
    return new VecsReader(file, false, limit);
  }

  /** Int rows of an {@code .ivecs} file, widened to float; at most {@code limit} rows. */
  public static VecsReader ivecs(Path file, long limit) throws IOException {
    return new VecsReader(file, true, limit);
  }

  /** Every row of an {@code .fvecs} file (at most {@code limit}; negative: all). */
  public static List<float[]> readFvecs(Path file, long limit) throws IOException {
    try (VecsReader r = fvecs(file, limit)) {
      List<float[]> out = new ArrayList<>();
      r.forEachRemaining(out::add);
      return out;
    }
  }

  /** Every row of an {@code .ivecs} file (at most {@code limit}; negative: all). */
  public static List<int[]> readIvecs(Path file, long limit) throws IOException {
    try (VecsReader r = ivecs(file, limit)) {
      List<int[]> out = new ArrayList<>();
      while (r.hasNext()) {
        float[] f = r.next();
        int[] row = new int[f.length];
        for (int i = 0; i < f.length; i++) {
          row[i] = (int) f[i];
        }
        out.add(row);
      }
      return out;
    }
  }

  /** The row {@code index} (0-based) of an {@code .fvecs} file. */
  public static float[] fvecsRow(Path file, long index) throws IOException {
    try (VecsReader r = fvecs(file, index + 1)) {
      float[] row = null;
      while (r.hasNext()) {
        row = r.next();
      }
      if (r.row <= index) {
        throw new IllegalArgumentException(
            "row " + index + " is past the end of " + file + ", which has " + r.row + " rows");
      }
      return row;
    }
  }

  /** Rows read so far. */
  public long rowsRead() {
    return row;
  }

  @Override
  public boolean hasNext() {
    if (next == null && (limit < 0 || row < limit)) {
      next = readRow();
    }
    return next != null;
  }

  @Override
  public float[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    float[] r = next;
    next = null;
    return r;
  }

  private float[] readRow() {
    try {
      int d;
      try {
        d = Integer.reverseBytes(in.readInt());
      } catch (EOFException e) {
        return null;
      }
      if (d <= 0 || (dimension > 0 && d != dimension)) {
        throw new IllegalArgumentException(
            file + " row " + row + " has dimension " + d + (dimension > 0 ? " but earlier rows have " + dimension : ""));
      }
      dimension = d;
      byte[] bytes = new byte[4 * d];
      try {
        in.readFully(bytes);
      } catch (EOFException e) {
        throw new IllegalArgumentException(file + " row " + row + " is truncated", e);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[d];
      for (int i = 0; i < d; i++) {
        out[i] = ints ? b.getInt() : b.getFloat();
      }
      row++;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " row " + row, e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
