package io.quiver.index.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the shared data sets (system property {@code quiver.datasets}, else
 * {@code ../shared/datasets} from the working directory or its parents) and verifies each file
 * against {@code SHA256SUMS} before it is trusted.
 */
public final class Datasets {
  private static final Map<Path, Boolean> VERIFIED = new ConcurrentHashMap<>();

  private Datasets() {}

  /** The data set folder, or empty when none is found. */
  public static Optional<Path> root() {
    String prop = System.getProperty("quiver.datasets");
    if (prop != null && Files.isDirectory(Paths.get(prop))) {
      return Optional.of(Paths.get(prop).toAbsolutePath().normalize());
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("../shared/datasets").normalize();
      if (Files.isRegularFile(candidate.resolve("SHA256SUMS"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The verified file {@code relative} (e.g. {@code siftsmall/siftsmall_base.fvecs}), or empty when
   * the data sets or the file are missing.
   *
   * @throws IOException when the file exists but its checksum differs from SHA256SUMS
   */
  public static Optional<Path> file(String relative) throws IOException {
    Optional<Path> root = root();
    if (root.isEmpty() || !Files.isRegularFile(root.get().resolve(relative))) {
      return Optional.empty();
    }
    Path f = root.get().resolve(relative);
    if (VERIFIED.containsKey(f)) {
      return Optional.of(f);
    }
    String expected = expectedSum(root.get(), relative);
    String actual = sha256(f);
    if (!actual.equalsIgnoreCase(expected)) {
      throw new IOException(
          relative + ": sha256 " + actual + " differs from SHA256SUMS " + expected);
    }
    VERIFIED.put(f, true);
    return Optional.of(f);
  }

  private static String expectedSum(Path root, String relative) throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("SHA256SUMS"));
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+\\*?", 2);
      if (parts.length == 2 && normalize(parts[1]).equals(normalize(relative))) {
        return parts[0];
      }
    }
    throw new IOException(relative + " is not listed in " + root.resolve("SHA256SUMS"));
  }

  private static String normalize(String p) {
    return p.startsWith("./") ? p.substring(2) : p;
  }

  static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
