package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quiver CLI, run in-process as bin/quiver runs it, against a cluster of separate roles. */
class CliTest {
  @TempDir static Path dir;
  static LoopbackCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir, 2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** Output, error output and exit status of one command. */
  record Run(int exit, String out, String err) {}

  static Run quiver(String endpoint, String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--endpoint";
    all[args.length + 1] = endpoint;
    return new Run(cl.execute(all), out.toString(), err.toString());
  }

  @Test
  void importSiftSmallAndFindTheGroundTruthNeighbourFirst() throws Exception {
    SiftSmall sift = SiftSmall.require();
    String ep = cluster.endpoint();

    Run create = quiver(ep, "collections", "create", "sift", "--dimension", "128", "--distance", "L2", "--shards", "4");
    assertThat(create.exit()).as(create.err()).isZero();
    assertThat(create.out()).contains("created collection sift").contains("4 shard(s)");

    Run upsert = quiver(ep, "points", "upsert", "-c", "sift", "--fvecs", sift.base.toString());
    assertThat(upsert.exit()).as(upsert.err()).isZero();
    assertThat(upsert.out()).contains("upserted 10000 points into sift");

    Run list = quiver(ep, "collections", "list");
    assertThat(list.out()).contains("NAME").containsPattern("sift\\s+128\\s+L2\\s+4");

    Run describe = quiver(ep, "collections", "describe", "sift", "--json");
    assertThat(new ObjectMapper().readTree(describe.out()).get("points").asLong()).isEqualTo(10_000);

    int[] truth0 = sift.truth().get(0);
    Run table = quiver(ep, "search", "-c", "sift", "--fvecs", sift.queries.toString(), "--row", "0", "--exact", "-k", "3");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out().lines().skip(1).findFirst().orElseThrow()).startsWith("1").contains(" " + truth0[0] + " ");

    for (int row : new int[] {0, 42, 99}) {
      Run json = quiver(ep, "search", "-c", "sift", "--fvecs", sift.queries.toString(), "--row", String.valueOf(row),
          "--exact", "--json");
      assertThat(json.exit()).as(json.err()).isZero();
      JsonNode hits = new ObjectMapper().readTree(json.out()).get("hits");
      assertThat(hits).hasSize(10);
      assertThat(hits.get(0).get("id").asLong()).as("query row %d", row).isEqualTo(sift.truth().get(row)[0]);
    }

    Run status = quiver(ep, "status");
    assertThat(status.out()).contains("data-node-1").contains("data-node-2").contains("MEMORY", "DISK")
        // A data node's heap in use against its budget, then its data directory's size (no disk budget set).
        .containsPattern("data-node-1 .* [0-9.]+ [KMG]?i?B / [0-9.]+ [KMG]iB +[0-9.]+ [KMG]?i?B");

    Run drop = quiver(ep, "collections", "drop", "sift");
    assertThat(drop.out()).contains("dropped collection sift");
    Run gone = quiver(ep, "search", "-c", "sift", "--vector", "[1,2]");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).startsWith("error: NOT_FOUND:").contains("sift");
  }

  @Test
  void snapshotDropAndRestoreACollection() throws Exception {
    String ep = cluster.endpoint();
    Path jsonl = dir.resolve("notes.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 50; i++) {
      lines.append("{\"id\": ").append(i).append(", \"vector\": [").append(i).append(", 1, 0.5], \"payload\": {\"n\": ")
          .append(i).append("}, \"text\": \"note ").append(i).append("\"}\n");
    }
    java.nio.file.Files.writeString(jsonl, lines);
    assertThat(quiver(ep, "collections", "create", "notes", "--dimension", "3", "--distance", "L2", "--shards", "3")
        .exit()).isZero();
    assertThat(quiver(ep, "points", "upsert", "-c", "notes", "--file", jsonl.toString()).exit()).isZero();

    Path snap = dir.resolve("notes-snap");
    Run snapshot = quiver(ep, "admin", "snapshot", "-c", "notes", "--dir", snap.toString());
    assertThat(snapshot.exit()).as(snapshot.err()).isZero();
    assertThat(snapshot.out()).contains("SHARD", "POINTS", "APPLIED", "shard-0002.points")
        .contains("snapshot of notes written to " + snap + ": 50 points in 3 shard(s)");
    Run again = quiver(ep, "admin", "snapshot", "-c", "notes", "--dir", snap.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("error: INVALID_ARGUMENT: snapshot directory " + snap + " is not empty");

    assertThat(quiver(ep, "collections", "drop", "notes").exit()).isZero();
    Run restore = quiver(ep, "admin", "restore", "--dir", snap.toString(), "--json");
    assertThat(restore.exit()).as(restore.err()).isZero();
    assertThat(new ObjectMapper().readTree(restore.out()).get("points").asLong()).isEqualTo(50);
    Run count = quiver(ep, "points", "count", "-c", "notes", "--json");
    assertThat(new ObjectMapper().readTree(count.out()).get("count").asLong()).isEqualTo(50);
    Run taken = quiver(ep, "admin", "restore", "--dir", snap.toString());
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.err()).startsWith("error: ALREADY_EXISTS:").contains("notes");
    Run unknown = quiver(ep, "admin", "snapshot", "-c", "nothing-here", "--dir", dir.resolve("nothing").toString());
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: NOT_FOUND:").contains("nothing-here");
  }
}
