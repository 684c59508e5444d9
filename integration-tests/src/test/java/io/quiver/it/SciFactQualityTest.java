package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.bench.system.SciFact;
import io.quiver.bench.system.SciFactBenchmark;
import io.quiver.bench.system.SciFactBenchmark.Figures;
import io.quiver.client.QuiverClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's quality bars on real data, through the SDK against a cluster of separate roles:
 * SciFact's 5,183 abstracts on 3 shards, nDCG@10 over the 300 test queries for BM25 alone,
 * the MiniLM vectors alone and the two fused by RRF — and the fusion beats both of its parts.
 */
class SciFactQualityTest {
  @TempDir Path dir;

  @Test
  void hybridBeatsBothPartsAndEachClearsItsBar() throws Exception {
    SciFact data = SciFact.load();
    try (LoopbackCluster cluster = new LoopbackCluster(dir, 3);
        QuiverClient client = QuiverClient.connect(cluster.endpoint())) {
      SciFactBenchmark.load(client, "scifact", data, 3, 1);
      assertThat(client.count("scifact")).isEqualTo(5_183);
      Figures f = SciFactBenchmark.evaluate(client, "scifact", data);
      System.out.printf("SciFact nDCG@10: BM25 %.4f, vector %.4f, hybrid %.4f%n", f.bm25(), f.vector(), f.hybrid());
      assertThat(f.bm25()).as("BM25 nDCG@10").isGreaterThanOrEqualTo(0.67);
      assertThat(f.vector()).as("vector nDCG@10").isGreaterThanOrEqualTo(0.62);
      assertThat(f.hybrid()).as("hybrid nDCG@10").isGreaterThanOrEqualTo(0.70)
          .isGreaterThan(f.bm25()).isGreaterThan(f.vector());
    }
  }
}
