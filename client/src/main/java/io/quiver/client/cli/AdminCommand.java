package io.quiver.client.cli;

import io.quiver.client.QuiverClient;
import io.quiver.client.RebalancePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quiver admin}: operator commands that move replicas. {@code rebalance --plan} shows the
 * moves the ring asks for, {@code --apply} starts them; {@code drain NODE} empties a data node
 * before it is removed, {@code undrain NODE} takes it back. The coordinator carries moves out in the background; {@code quiver
 * status} shows the progress. {@code recover-shard} brings back a shard that lost a majority of
 * its replicas, from one survivor, accepting the loss of what that survivor had not applied.
 * {@code snapshot} and {@code restore} ({@link BackupCommands}) back a collection up to a directory.
 */
@Command(
    name = "admin",
    description = "Move replicas: rebalance the cluster, drain a data node (or undo a drain), recover a shard"
        + " that lost a majority of its replicas; back a collection up to a directory and restore it.",
    mixinStandardHelpOptions = true,
    subcommands = {AdminCommand.Rebalance.class, AdminCommand.Drain.class, AdminCommand.Undrain.class,
        AdminCommand.RecoverShard.class, BackupCommands.Snapshot.class, BackupCommands.Restore.class})
final class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(name = "rebalance", mixinStandardHelpOptions = true,
      description = "Show (--plan) or start (--apply) the replica moves that bring placement to the ring's choice.")
  static final class Rebalance implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
      @Option(names = "--plan", required = true, description = "Print the moves without acting.")
      boolean plan;

      @Option(names = "--apply", required = true, description = "Start the moves (throttled, resumable).")
      boolean apply;
    }

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", defaultValue = "",
        description = "Only this collection (default: all).")
    String collection;

    @Override
    public Integer call() {
      RebalancePlan p;
      try (QuiverClient c = client.connect()) {
        p = mode.apply ? c.rebalanceApply(collection) : c.rebalancePlan(collection);
      }
      print(spec, client, p, mode.apply ? "started" : "planned");
      return 0;
    }
  }

  /** Acts on one data node and prints the plan that started. */
  abstract static class NodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NODE", description = "The data node's id.")
    String node;

    abstract RebalancePlan act(QuiverClient c, String node);

    @Override
    public Integer call() {
      RebalancePlan p;
      try (QuiverClient c = client.connect()) {
        p = act(c, node);
      }
      print(spec, client, p, "started");
      return 0;
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Move every replica off a data node (it stays out of placement until removed).")
  static final class Drain extends NodeCommand {
    @Override
    RebalancePlan act(QuiverClient c, String node) {
      return c.drain(node);
    }
  }

  @Command(name = "undrain", mixinStandardHelpOptions = true,
      description = "Undo a drain: the node takes replicas again and a rebalance moves some back to it.")
  static final class Undrain extends NodeCommand {
    @Override
    RebalancePlan act(QuiverClient c, String node) {
      return c.undrain(node);
    }
  }

  @Command(name = "recover-shard", mixinStandardHelpOptions = true,
      description = {"Recreate a shard that lost a majority of its replicas from one surviving replica, which"
          + " becomes its only voter; the coordinator then adds replicas back up to the replication factor.",
          "Writes the survivor had not applied are LOST: --accept-data-loss is required. Refused while the"
          + " shard's group still has a leader. Deadline: 2m unless --deadline is given."})
  static final class RecoverShard implements Callable<Integer> {
    static final java.time.Duration DEADLINE = java.time.Duration.ofMinutes(2);

    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", required = true, description = "The collection.")
    String collection;

    @Option(names = "--shard", paramLabel = "N", required = true, description = "The shard number.")
    int shard;

    @Option(names = "--from", paramLabel = "NODE", required = true,
        description = "The data node whose replica survives (see `quiver status` and the data nodes' logs).")
    String from;

    @Option(names = "--accept-data-loss", description = "Accept that writes the survivor had not applied are lost.")
    boolean acceptDataLoss;

    @Override
    public Integer call() {
      if (!acceptDataLoss) {
        spec.commandLine().getErr().println("recover-shard loses every write " + from + " had not applied:"
            + " give --accept-data-loss to go ahead");
        return 2;
      }
      if (!spec.commandLine().getParseResult().hasMatchedOption("--deadline")) {
        client.deadline = DEADLINE;
      }
      io.quiver.client.ShardRecovery r;
      try (QuiverClient c = client.connect()) {
        r = c.recoverShard(collection, shard, from, true);
      }
      Output out = new Output(spec.commandLine().getOut());
      String commit = r.lastKnownCommitIndex().isPresent() ? String.valueOf(r.lastKnownCommitIndex().getAsLong())
          : "unknown";
      if (client.json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("collection", r.collection());
        j.put("shard", r.shard());
        j.put("survivor", r.survivor());
        j.put("survivor_applied_index", r.survivorAppliedIndex());
        j.put("reproposed_entries", r.reproposed());
        j.put("last_known_commit_index", r.lastKnownCommitIndex().isPresent() ? r.lastKnownCommitIndex().getAsLong()
            : null);
        j.put("dropped", r.dropped());
        j.put("detail", r.detail());
        out.json(j);
        return 0;
      }
      out.table(List.of("COLLECTION", "SHARD", "SURVIVOR", "APPLIED", "REPROPOSED", "LAST-KNOWN-COMMIT", "DROPPED"),
          List.of(List.of(r.collection(), String.valueOf(r.shard()), r.survivor(),
              String.valueOf(r.survivorAppliedIndex()), String.valueOf(r.reproposed()), commit,
              r.dropped().isEmpty() ? "-" : String.join(",", r.dropped()))));
      out.line(r.detail());
      return 0;
    }
  }

  static void print(CommandSpec spec, ClientOptions client, RebalancePlan p, String verb) {
    Output out = new Output(spec.commandLine().getOut());
    if (client.json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("plan_id", p.planId());
      List<Object> moves = new ArrayList<>();
      for (RebalancePlan.Move m : p.moves()) {
        Map<String, Object> mj = new LinkedHashMap<>();
        mj.put("collection", m.collection());
        mj.put("shard", m.shard());
        mj.put("from", m.fromNode());
        mj.put("to", m.toNode());
        moves.add(mj);
      }
      j.put("moves", moves);
      out.json(j);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (RebalancePlan.Move m : p.moves()) {
      rows.add(List.of(m.collection(), String.valueOf(m.shard()), orDash(m.fromNode()), orDash(m.toNode())));
    }
    out.table(List.of("COLLECTION", "SHARD", "FROM", "TO"), rows);
    out.line(p.moves().size() + " moves " + verb + (p.planId().isEmpty() ? "" : " as " + p.planId()));
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
