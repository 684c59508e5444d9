package io.quiver.client.cli;

import io.quiver.client.ClusterStatus;
import io.quiver.client.QuiverClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code quiver status}: the cluster's nodes and coordinator. */
@Command(name = "status", description = "Show the cluster's nodes, leases and coordinator.", mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    ClusterStatus s;
    try (QuiverClient c = client.connect()) {
      s = c.clusterStatus();
    }
    Output out = new Output(spec.commandLine().getOut());
    if (client.json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("coordinator_leader", s.coordinatorLeader());
      j.put("coordinator_epoch", s.coordinatorEpoch());
      j.put("collections", s.collections());
      j.put("moves_in_progress", s.movesInProgress());
      j.put("moves_done", s.movesDone());
      j.put("moves_total", s.movesTotal());
      j.put("bytes_copied", s.bytesCopied());
      List<Object> nodes = new ArrayList<>();
      for (ClusterStatus.Node n : s.nodes()) {
        Map<String, Object> nj = new LinkedHashMap<>();
        nj.put("node_id", n.nodeId());
        nj.put("role", n.role());
        nj.put("address", n.address());
        nj.put("live", n.live());
        nj.put("zone", n.zone());
        nj.put("replicas", n.replicas());
        nj.put("leaders", n.leaders());
        nj.put("memory_used_bytes", n.memoryUsedBytes());
        nj.put("memory_budget_bytes", n.memoryBudgetBytes());
        nj.put("disk_used_bytes", n.diskUsedBytes());
        nj.put("disk_budget_bytes", n.diskBudgetBytes());
        nodes.add(nj);
      }
      j.put("nodes", nodes);
      out.json(j);
    } else {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("endpoint", client.endpoint);
      f.put("coordinator", s.coordinatorLeader().isEmpty() ? "(no leader)" : s.coordinatorLeader() + " (epoch " + s.coordinatorEpoch() + ")");
      f.put("collections", s.collections());
      f.put("moves in progress", s.movesInProgress());
      f.put("moves done", s.movesDone() + " of " + s.movesTotal() + " (" + s.bytesCopied() + " bytes copied)");
      out.fields(f);
      out.line("");
      List<List<String>> rows = new ArrayList<>();
      for (ClusterStatus.Node n : s.nodes()) {
        rows.add(List.of(n.nodeId(), n.role(), n.address(), n.live() ? "yes" : "no", n.zone(),
            String.valueOf(n.replicas()), String.valueOf(n.leaders()),
            usage(n.memoryUsedBytes(), n.memoryBudgetBytes()), usage(n.diskUsedBytes(), n.diskBudgetBytes())));
      }
      out.table(List.of("NODE", "ROLE", "ADDRESS", "LIVE", "ZONE", "REPLICAS", "LEADERS", "MEMORY", "DISK"), rows);
    }
    return 0;
  }

  /** "1.2 GiB / 3.6 GiB"; "-" for a node that reported nothing; no budget: the use alone. */
  static String usage(long used, long budget) {
    if (used == 0 && budget == 0) {
      return "-";
    }
    return budget == 0 ? bytes(used) : bytes(used) + " / " + bytes(budget);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
