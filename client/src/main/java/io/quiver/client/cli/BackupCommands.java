package io.quiver.client.cli;

import io.quiver.client.QuiverClient;
import io.quiver.client.RestoreResult;
import io.quiver.client.SnapshotManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver admin snapshot} and {@code quiver admin restore}: a collection written to a
 * directory a user can copy away, and brought back from it. Thin layers over
 * {@link QuiverClient#snapshot} and {@link QuiverClient#restore}.
 */
final class BackupCommands {
  private BackupCommands() {}

  @Command(name = "snapshot", mixinStandardHelpOptions = true,
      description = {"Write a collection's snapshot to a new or empty directory: manifest.json (name, uuid, full"
          + " config, per shard its point count, applied index and SHA-256) and one data file per shard.",
          "Each shard is a consistent point-in-time copy of one replica at its applied index, holding every write"
          + " acknowledged before that shard's export started. Shards are copied one after another, not at one"
          + " instant: a write made during the snapshot may be in one shard's copy and not in another's. Stop"
          + " writing for a copy of the whole collection at one moment.",
          "Deadline: 30m per shard unless --deadline is given."})
  static final class Snapshot implements Callable<Integer> {
    static final Duration DEADLINE = Duration.ofMinutes(30);

    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", required = true, description = "The collection.")
    String collection;

    @Option(names = "--dir", paramLabel = "DIR", required = true,
        description = "Where to write it: a new or empty directory.")
    Path dir;

    @Override
    public Integer call() {
      if (!spec.commandLine().getParseResult().hasMatchedOption("--deadline")) {
        client.deadline = DEADLINE;
      }
      SnapshotManifest m;
      try (QuiverClient c = client.connect()) {
        m = c.snapshot(collection, dir);
      }
      Output out = new Output(spec.commandLine().getOut());
      if (client.json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("collection", m.collection());
        j.put("uuid", m.collectionUuid());
        j.put("dir", dir.toString());
        j.put("points", m.points());
        List<Object> shards = new ArrayList<>();
        for (SnapshotManifest.Shard s : m.shards()) {
          Map<String, Object> sj = new LinkedHashMap<>();
          sj.put("shard", s.shard());
          sj.put("file", s.file());
          sj.put("points", s.points());
          sj.put("applied_index", s.appliedIndex());
          sj.put("node", s.node());
          sj.put("sha256", s.sha256());
          shards.add(sj);
        }
        j.put("shards", shards);
        out.json(j);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (SnapshotManifest.Shard s : m.shards()) {
        rows.add(List.of(String.valueOf(s.shard()), String.valueOf(s.points()), String.valueOf(s.appliedIndex()),
            s.node(), s.file()));
      }
      out.table(List.of("SHARD", "POINTS", "APPLIED", "NODE", "FILE"), rows);
      out.line("snapshot of " + m.collection() + " written to " + dir + ": " + m.points() + " points in "
          + m.shards().size() + " shard(s)");
      return 0;
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = {"Bring a snapshot directory back as a new collection: checks manifest.json and every data"
          + " file's SHA-256 first (nothing is created if one is missing or corrupt), creates the collection with"
          + " the saved config (refused with ALREADY_EXISTS if the name is taken), then upserts every point in"
          + " batches whose request ids come from the snapshot, so a batch sent twice is applied once.",
          "--resume continues a restore that stopped part-way, into the collection it created."})
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "The snapshot directory.")
    Path dir;

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", defaultValue = "",
        description = "Name of the collection to create (default: the snapshot's).")
    String collection;

    @Option(names = "--resume",
        description = "If the collection exists with the snapshot's config, send every point into it again.")
    boolean resume;

    @Override
    public Integer call() {
      RestoreResult r;
      try (QuiverClient c = client.connect()) {
        r = c.restore(dir, collection, resume);
      }
      Output out = new Output(spec.commandLine().getOut());
      if (client.json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("collection", r.collection());
        j.put("uuid", r.uuid());
        j.put("points", r.points());
        j.put("shards", r.shards());
        j.put("resumed", r.resumed());
        out.json(j);
        return 0;
      }
      out.line("restored " + r.points() + " points into " + r.collection() + " (" + r.shards() + " shard file(s)"
          + (r.resumed() ? ", resumed" : "") + ")");
      return 0;
    }
  }
}
