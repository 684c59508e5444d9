package io.quiver.client.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VecsReaderTest {
  @TempDir Path dir;

  private Path write(String name, int dim, float[]... rows) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(rows.length * (4 + 4 * dim)).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) {
      b.putInt(r.length);
      for (float x : r) {
        b.putFloat(x);
      }
    }
    return Files.write(dir.resolve(name), b.array());
  }

  @Test
  void readsRowsInOrderUpToTheLimit() throws IOException {
    Path f = write("a.fvecs", 2, new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
    assertThat(VecsReader.readFvecs(f, -1)).containsExactly(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
    assertThat(VecsReader.readFvecs(f, 2)).hasSize(2);
    assertThat(VecsReader.fvecsRow(f, 1)).containsExactly(3, 4);
    assertThatThrownBy(() -> VecsReader.fvecsRow(f, 3)).hasMessageContaining("which has 3 rows");
  }

  @Test
  void readsIvecs() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(7).putInt(-1);
    Path f = Files.write(dir.resolve("g.ivecs"), b.array());
    List<int[]> rows = VecsReader.readIvecs(f, -1);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsExactly(7, -1);
  }

  @Test
  void refusesTruncatedAndRaggedFiles() throws IOException {
    Path ragged = write("r.fvecs", 2, new float[] {1, 2}, new float[] {3, 4});
    byte[] bytes = Files.readAllBytes(ragged);
    bytes[12] = 1; // second row's dimension
    Files.write(ragged, bytes);
    assertThatThrownBy(() -> VecsReader.readFvecs(ragged, -1)).hasMessageContaining("row 1 has dimension 1 but earlier rows have 2");
    Path cut = Files.write(dir.resolve("c.fvecs"), new byte[] {2, 0, 0, 0, 1, 2});
    assertThatThrownBy(() -> VecsReader.readFvecs(cut, -1)).hasMessageContaining("row 0 is truncated");
  }
}
