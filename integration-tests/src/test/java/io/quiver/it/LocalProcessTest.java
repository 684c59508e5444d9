package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quiver local} as a real separate process: it prints its port, answers the CLI, and on
 * SIGTERM stops every role and says so.
 */
class LocalProcessTest {
  private static final Pattern READY = Pattern.compile("ready on port (\\d+)");

  @TempDir Path dir;

  @Test
  void startsAnswersAndStopsCleanlyOnSigterm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("local.err");
    Path stdout = dir.resolve("local.out");
    Process p = new ProcessBuilder(
            java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
            "-cp", System.getProperty("java.class.path"),
            "io.quiver.server.Main", "local", "--port", "0", "--data-dir", dir.resolve("data").toString())
        .redirectOutput(stdout.toFile())
        .redirectError(log.toFile())
        .start();
    try {
      String port = awaitReady(p, stdout);
      assertThat(port).as("a ready line in %s; stderr: %s", Files.readString(stdout), tail(log)).isNotNull();
      assertThat(Files.readString(stdout)).contains("data dir:  " + dir.resolve("data").toAbsolutePath());

      String ep = "127.0.0.1:" + port;
      assertThat(CliTest.quiver(ep, "collections", "create", "c", "--dimension", "2", "--distance", "DOT").exit()).isZero();
      Path file = Files.writeString(dir.resolve("p.jsonl"),
          "{\"id\": 1, \"vector\": [1, 0], \"payload\": {\"name\": \"east\"}}\n{\"id\": 2, \"vector\": [0, 1]}\n");
      assertThat(CliTest.quiver(ep, "points", "upsert", "-c", "c", "--file", file.toString()).exit()).isZero();
      CliTest.Run search = CliTest.quiver(ep, "search", "-c", "c", "--vector", "[0.9, 0.1]", "-k", "1");
      assertThat(search.out()).containsPattern("1\\s+1\\s+0\\.9\\S*\\s+\\{\"name\":\"east\"\\}");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM; stderr: %s", tail(log)).isTrue();
      assertThat(Files.readAllLines(stdout)).contains("quiver local: stopped");
      // 143 = 128 + SIGTERM: the JVM's normal exit after its shutdown hooks ran.
      assertThat(p.exitValue()).isEqualTo(143);
    } finally {
      p.destroyForcibly();
    }
  }

  /** The port from the ready line, or null if the process ended (or stayed silent 2 minutes) first. */
  private static String awaitReady(Process p, Path stdout) throws IOException, InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < giveUp) {
      Matcher m = READY.matcher(Files.readString(stdout));
      if (m.find()) {
        return m.group(1);
      }
      if (!p.isAlive()) {
        return null;
      }
      Thread.sleep(100);
    }
    return null;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
