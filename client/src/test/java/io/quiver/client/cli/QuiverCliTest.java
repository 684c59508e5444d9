package io.quiver.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees from the CLI without a cluster: help, usage errors, an unreachable endpoint. */
class QuiverCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = QuiverCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void everyCommandHasHelp() {
    for (List<String> cmd : List.<List<String>>of(
        List.<String>of(), List.of("collections"), List.of("collections", "create"), List.of("collections", "list"),
        List.of("collections", "describe"), List.of("collections", "drop"), List.of("points", "upsert"),
        List.of("points", "get"), List.of("points", "count"), List.of("points", "delete"), List.of("search"),
        List.of("status"), List.of("admin"), List.of("admin", "rebalance"), List.of("admin", "drain"),
        List.of("admin", "undrain"), List.of("admin", "recover-shard"), List.of("admin", "snapshot"),
        List.of("admin", "restore"))) {
      String[] args = java.util.stream.Stream.concat(cmd.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
      assertThat(run(args)).as("exit of %s --help", cmd).isZero();
    }
    assertThat(out.toString()).contains("Usage: quiver search").contains("--fvecs=FILE.fvecs").contains("localhost:6400");
  }

  @Test
  void usageErrorsExitTwoAndSayWhatIsMissing() {
    assertThat(run("search", "-c", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("give a query: --vector, --fvecs or --text");
    assertThat(run("search", "-c", "x", "--vector", "[1, a]")).isEqualTo(2);
    assertThat(err.toString()).contains("--vector value 'a' is not a number");
    assertThat(run("collections", "create", "c", "--dimension", "4", "--distance", "hamming")).isEqualTo(2);
    assertThat(err.toString()).contains("--distance must be one of COSINE, DOT, L2 but was 'hamming'");
  }

  @Test
  void rebalanceNeedsPlanOrApplyButNotBoth() {
    assertThat(run("admin", "rebalance")).isEqualTo(2);
    assertThat(err.toString()).contains("--plan").contains("--apply");
    assertThat(run("admin", "rebalance", "--plan", "--apply")).isEqualTo(2);
    assertThat(run("admin", "drain")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'NODE'");
    assertThat(run("admin", "undrain")).isEqualTo(2);
  }

  @Test
  void recoverShardNeedsItsShardAndSurvivorAndRefusesWithoutAcceptingDataLoss() {
    assertThat(run("admin", "recover-shard", "-c", "docs", "--shard", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--from=NODE'");
    // refused before anything is sent: the endpoint is never dialled
    assertThat(run("admin", "recover-shard", "-c", "docs", "--shard", "0", "--from", "dn1", "--endpoint", "127.0.0.1:1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("recover-shard loses every write dn1 had not applied: give --accept-data-loss");
    assertThat(run("admin", "recover-shard", "-c", "docs", "--shard", "0", "--from", "dn1", "--accept-data-loss",
        "--endpoint", "127.0.0.1:1", "--deadline", "2s")).isEqualTo(1);
    assertThat(err.toString()).contains("error: UNAVAILABLE: cannot reach Quiver at 127.0.0.1:1");
  }

  @Test
  void snapshotAndRestoreCheckTheirDirectoryBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
    assertThat(run("admin", "snapshot", "-c", "docs")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--dir=DIR'");
    Files.writeString(dir.resolve("notes.txt"), "mine");
    // the endpoint is never dialled: a refusal to reach it would say UNAVAILABLE
    assertThat(run("admin", "snapshot", "-c", "docs", "--dir", dir.toString(), "--endpoint", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("error: INVALID_ARGUMENT: snapshot directory " + dir + " is not empty")
        .contains("notes.txt");
    assertThat(run("admin", "restore", "--dir", dir.toString(), "--endpoint", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("error: NOT_FOUND: snapshot manifest " + dir.resolve("manifest.json")
        + " does not exist");
    assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
  }

  @Test
  void anUnreachableEndpointExitsOneWithTheReason() {
    assertThat(run("collections", "list", "--endpoint", "127.0.0.1:1", "--deadline", "2s")).isEqualTo(1);
    assertThat(err.toString()).contains("error: UNAVAILABLE: cannot reach Quiver at 127.0.0.1:1");
  }

  @Test
  void aBadFilterIsRefusedBeforeAnythingIsSent() {
    assertThat(run("search", "-c", "x", "--vector", "[1]", "--filter", "year >=", "--endpoint", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("error: INVALID_ARGUMENT: filter: expected a value");
  }
}
