package io.quiver.index.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @Test
  void siftsmallHasTheDocumentedShape() {
    TestData.VectorSet s = TestData.siftsmall();
    assertThat(s.base()).hasNumberOfRows(10_000);
    assertThat(s.base()[0]).hasSize(128);
    assertThat(s.queries()).hasNumberOfRows(100);
    assertThat(s.groundTruth()[0]).hasSize(100);
  }

  @Test
  void fvecsRoundTripAndTruncationIsRejected(@TempDir Path dir) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 * (4 + 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2).putFloat(1f).putFloat(2f).putInt(2).putFloat(3f).putFloat(-4f);
    Path f = dir.resolve("x.fvecs");
    Files.write(f, b.array());
    assertThat(VectorFiles.readFvecs(f)[1]).containsExactly(3f, -4f);

    Files.write(f, Arrays.copyOf(b.array(), 20));
    assertThatThrownBy(() -> VectorFiles.readFvecs(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row dimension 2");
  }

  @Test
  void sha256MatchesAKnownDigest(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("abc");
    Files.write(f, "abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(Datasets.sha256(f))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
