package io.quiver.server.roles;

import io.quiver.coordinator.CoordinatorConfig;
import io.quiver.coordinator.CoordinatorServer;
import io.quiver.datanode.DataNodeConfig;
import io.quiver.datanode.DataNodeServer;
import io.quiver.querynode.QueryNodeConfig;
import io.quiver.querynode.QueryNodeServer;
import io.quiver.server.Lifecycle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The three role commands: each starts one role in this process and runs it until stopped. */
public final class RoleCommands {
  private RoleCommands() {}

  private static Integer run(CommandSpec spec, String role, AutoCloseable server, String address) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Lifecycle.stopOnShutdown(server, () -> {
      out.println(role + ": stopped");
      out.flush();
    });
    out.println(role + ": serving on " + address + " (Ctrl-C to stop)");
    out.flush();
    Lifecycle.awaitShutdown();
    return 0;
  }

  @Command(name = "coordinator", mixinStandardHelpOptions = true,
      description = "Run a coordinator: the cluster's catalog and placement, elected through ZooKeeper.")
  public static final class Coordinator implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RoleOptions options;

    @Override
    public Integer call() throws InterruptedException {
      CoordinatorServer s = CoordinatorServer.start(CoordinatorConfig.from(options.source("coordinator", Map.of())));
      return run(spec, "coordinator", s, s.address());
    }
  }

  @Command(name = "data-node", mixinStandardHelpOptions = true,
      description = "Run a data node: holds shard replicas and answers shard writes and searches.")
  public static final class DataNode implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RoleOptions options;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where replicas are kept (data-node.data-dir).")
    Path dataDir;

    @Option(names = "--capacity", description = "Placement weight (data-node.capacity).")
    Integer capacity;

    @Option(names = "--zone", description = "Failure zone replicas are spread across (data-node.zone).")
    String zone;

    @Option(names = "--raft-port", description = "Port of the node's Raft server; 0 picks a free one at first start"
        + " and keeps it with the data (data-node.raft-port, default 7402).")
    Integer raftPort;

    @Option(names = "--readdress", description = "Start although the Raft address differs from the one stored with"
        + " the data (data-node.readdress).")
    boolean readdress;

    @Override
    public Integer call() throws InterruptedException {
      Map<String, String> flags = new HashMap<>();
      if (dataDir != null) flags.put(DataNodeConfig.DATA_DIR, dataDir.toString());
      if (capacity != null) flags.put(DataNodeConfig.CAPACITY, capacity.toString());
      if (zone != null) flags.put(DataNodeConfig.ZONE, zone);
      if (raftPort != null) flags.put(DataNodeConfig.RAFT_PORT, raftPort.toString());
      if (readdress) flags.put(DataNodeConfig.READDRESS, "true");
      DataNodeServer s = DataNodeServer.start(DataNodeConfig.from(options.source("data-node", flags)));
      // Its lease must not outlive its Raft server: the node has shut itself down, the process goes too.
      s.failed().thenRun(() -> System.exit(70));
      return run(spec, "data-node", s, s.address());
    }
  }

  @Command(name = "query-node", mixinStandardHelpOptions = true,
      description = "Run a query node: the public endpoint clients connect to (default port 6400).")
  public static final class QueryNode implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RoleOptions options;

    @Override
    public Integer call() throws InterruptedException {
      QueryNodeServer s = QueryNodeServer.start(QueryNodeConfig.from(options.source("query-node", Map.of())));
      return run(spec, "query-node", s, s.address());
    }
  }
}
