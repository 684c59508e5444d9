package io.quiver.index.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved and reloaded engine answers approximate searches exactly as it did, merged segments included. */
class SnapshotRoundTripTest {
  @TempDir Path dir;

  @Test
  void mergedSegmentsAnswerTheSameAfterALoad() throws Exception {
    int dim = 16;
    EngineConfig base = EngineConfig.defaults(dim, Distance.L2);
    EngineConfig c = new EngineConfig(dim, Distance.L2, base.hnsw(), base.quantization(), base.schema(), 1_000,
        base.indexThreads(), base.mergeFactor(), base.rescoreOversampling(), base.pqSubspaces(), base.bm25());
    Random r = new Random(3);
    List<float[]> probes = new ArrayList<>();
    try (ShardEngine e = new ShardEngine(c)) {
      long index = 0;
      for (int b = 0; b < 30; b++) {
        List<Point> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          float[] v = new float[dim];
          for (int d = 0; d < dim; d++) {
            v[d] = r.nextFloat();
          }
          batch.add(new Point(PointId.of(b * 1_000L + i), v, Map.of(), null));
        }
        e.upsert(batch, ++index);
      }
      e.awaitBackgroundWork();
      for (int q = 0; q < 50; q++) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = r.nextFloat();
        }
        probes.add(v);
      }
      List<List<PointId>> before = answers(e, probes);
      e.writeSnapshot(dir);
      try (ShardEngine loaded = ShardEngine.readSnapshot(dir, c)) {
        loaded.awaitBackgroundWork();
        assertThat(loaded.count(Filter.ALL)).isEqualTo(30_000);
        assertThat(answers(loaded, probes)).isEqualTo(before);
      }
    }
  }

  private static List<List<PointId>> answers(ShardEngine e, List<float[]> probes) {
    List<List<PointId>> out = new ArrayList<>();
    for (float[] p : probes) {
      out.add(e.search(p, 10, Filter.ALL, new SearchOptions(64, false, false)).stream().map(ScoredPoint::id).toList());
    }
    return out;
  }
}
