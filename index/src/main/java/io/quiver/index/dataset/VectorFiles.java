package io.quiver.index.dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads little-endian {@code .fvecs} / {@code .ivecs} files: each row is an int32 {@code d}, then
 * {@code d} float32 (or int32) values.
 */
public final class VectorFiles {
  private VectorFiles() {}

  public static float[][] readFvecs(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<float[]> rows = new ArrayList<>();
    while (b.hasRemaining()) {
      int d = checkDim(file, b.getInt(), b.remaining());
      float[] v = new float[d];
      b.asFloatBuffer().get(v);
      b.position(b.position() + 4 * d);
      rows.add(v);
    }
    return rows.toArray(new float[0][]);
  }

  public static int[][] readIvecs(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<int[]> rows = new ArrayList<>();
    while (b.hasRemaining()) {
      int d = checkDim(file, b.getInt(), b.remaining());
      int[] v = new int[d];
      b.asIntBuffer().get(v);
      b.position(b.position() + 4 * d);
      rows.add(v);
    }
    return rows.toArray(new int[0][]);
  }

  private static int checkDim(Path file, int d, int remaining) {
    if (d <= 0 || 4L * d > remaining) {
      throw new IllegalArgumentException(
          file + ": row dimension " + d + " is invalid with " + remaining + " bytes left");
    }
    return d;
  }
}
