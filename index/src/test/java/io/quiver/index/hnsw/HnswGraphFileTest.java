package io.quiver.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.model.Distance;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HnswGraphFileTest {
  private static final long SEED = System.nanoTime();

  @Test
  void roundTripKeepsEveryListAndTheEntryPointAndSearchesAlike(@TempDir Path dir) throws IOException {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    FloatVectorStore store = new FloatVectorStore(16);
    for (int i = 0; i < 1500; i++) {
      store.append(HnswIndexTest.gaussian(r, 16));
    }
    FloatScorers sc = new FloatScorers(store, Distance.L2);
    HnswGraph g = HnswBuilder.build(sc, 1500, new HnswParams(8, 50), 1, SEED);
    Path f = dir.resolve("g.hnsw");
    HnswGraphFile.write(g, f);
    HnswGraph back = HnswGraphFile.read(f);
    assertThat(back.size()).isEqualTo(g.size());
    assertThat(back.entryNode()).isEqualTo(g.entryNode());
    assertThat(back.entryLevel()).isEqualTo(g.entryLevel());
    for (int n = 0; n < g.size(); n++) {
      assertThat(back.levelOf(n)).isEqualTo(g.levelOf(n));
      for (int l = 0; l <= g.levelOf(n); l++) {
        assertThat(back.neighbors(n, l)).containsExactly(g.neighbors(n, l));
      }
    }
    float[] q = HnswIndexTest.gaussian(r, 16);
    assertThat(HnswSearcher.search(back, sc.scorer(q), 5, 40, null).ords())
        .containsExactly(HnswSearcher.search(g, sc.scorer(q), 5, 40, null).ords());
    assertThat(Files.exists(dir.resolve("g.hnsw.tmp"))).isFalse();
  }

  @Test
  void corruptionAndTruncationAreDetected(@TempDir Path dir) throws IOException {
    Random r = new Random(SEED);
    FloatVectorStore store = new FloatVectorStore(4);
    for (int i = 0; i < 200; i++) {
      store.append(HnswIndexTest.gaussian(r, 4));
    }
    HnswGraph g = HnswBuilder.build(new FloatScorers(store, Distance.L2), 200, HnswParams.DEFAULT, 1, 1);
    Path f = dir.resolve("g.hnsw");
    HnswGraphFile.write(g, f);
    byte[] bytes = Files.readAllBytes(f);
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x10;
    Files.write(f, flipped);
    assertThatThrownBy(() -> HnswGraphFile.read(f)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
    Files.write(f, Arrays.copyOf(bytes, bytes.length - 9));
    assertThatThrownBy(() -> HnswGraphFile.read(f)).isInstanceOf(IOException.class);
  }
}
