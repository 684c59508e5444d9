package io.quiver.index.dataset;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real data sets for tests, verified against SHA256SUMS; a test that needs a missing file is
 * skipped with a message saying where it looked. Loaded once per JVM.
 */
public final class TestData {
  /** Base vectors, queries and the provided ground truth (ids best first). */
  public record VectorSet(String name, float[][] base, float[][] queries, int[][] groundTruth) {}

  private static VectorSet sift;
  private static VectorSet scifact;

  private TestData() {}

  public static synchronized VectorSet siftsmall() {
    if (sift == null) {
      sift =
          load(
              "siftsmall",
              "siftsmall/siftsmall_base.fvecs",
              "siftsmall/siftsmall_query.fvecs",
              "siftsmall/siftsmall_groundtruth.ivecs");
    }
    return sift;
  }

  public static synchronized VectorSet scifactMinilm() {
    if (scifact == null) {
      scifact =
          load(
              "scifact-minilm",
              "scifact-minilm/scifact_minilm_docs.fvecs",
              "scifact-minilm/scifact_minilm_testqueries.fvecs",
              "scifact-minilm/scifact_minilm_testqueries_groundtruth_ip.ivecs");
    }
    return scifact;
  }

  /** A verified data set file, or the test is skipped. */
  public static Path require(String relative) {
    try {
      Optional<Path> f = Datasets.file(relative);
      assumeTrue(
          f.isPresent(),
          () -> "data set file " + relative + " not found under "
              + Datasets.root().map(Path::toString).orElse("quiver.datasets / ../shared/datasets")
              + "; skipping");
      return f.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static VectorSet load(String name, String base, String queries, String gt) {
    try {
      return new VectorSet(
          name,
          VectorFiles.readFvecs(require(base)),
          VectorFiles.readFvecs(require(queries)),
          VectorFiles.readIvecs(require(gt)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
