package io.quiver.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.client.files.VecsReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The texmex siftsmall set, read in place from {@code ../shared/datasets} (system property
 * {@code quiver.datasets}) after its files are checked against SHA256SUMS. Tests that need it
 * are skipped, saying why, when it is absent.
 */
final class SiftSmall {
  final Path base;
  final Path queries;
  final Path groundTruth;

  private SiftSmall(Path dir) {
    base = dir.resolve("siftsmall_base.fvecs");
    queries = dir.resolve("siftsmall_query.fvecs");
    groundTruth = dir.resolve("siftsmall_groundtruth.ivecs");
  }

  /** The data set, verified; skips the calling test when it is not there. */
  static SiftSmall require() throws IOException {
    String root = System.getProperty("quiver.datasets");
    assumeTrue(root != null, "system property quiver.datasets is not set: run through Maven, or pass -Dquiver.datasets=<repo>/../shared/datasets");
    Path datasets = Path.of(root);
    SiftSmall s = new SiftSmall(datasets.resolve("siftsmall"));
    for (Path p : List.of(s.base, s.queries, s.groundTruth)) {
      assumeTrue(Files.isReadable(p), "siftsmall is missing: " + p + " cannot be read; skipping");
    }
    Path sums = datasets.resolve("SHA256SUMS");
    assumeTrue(Files.isReadable(sums), "no SHA256SUMS at " + sums + " to verify siftsmall against; skipping");
    List<String> lines = Files.readAllLines(sums);
    for (Path p : List.of(s.base, s.queries, s.groundTruth)) {
      String name = "siftsmall/" + p.getFileName();
      String expected = lines.stream()
          .filter(l -> l.trim().endsWith(" " + name) || l.trim().endsWith("*" + name))
          .map(l -> l.trim().split("\\s+")[0])
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(sums + " lists no checksum for " + name));
      String actual = sha256(p);
      if (!actual.equalsIgnoreCase(expected)) {
        throw new IllegalStateException(p + " has SHA-256 " + actual + " but SHA256SUMS says " + expected);
      }
    }
    return s;
  }

  List<float[]> baseVectors() throws IOException {
    return VecsReader.readFvecs(base, -1);
  }

  List<float[]> queryVectors() throws IOException {
    return VecsReader.readFvecs(queries, -1);
  }

  List<int[]> truth() throws IOException {
    return VecsReader.readIvecs(groundTruth, -1);
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
