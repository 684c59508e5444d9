package io.quiver.server.local;

import io.quiver.server.Lifecycle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quiver local}: the whole cluster in this process until Ctrl-C. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Run a whole cluster in this process: an embedded ZooKeeper, a coordinator, data nodes and a"
            + " query node on loopback. Prints the client endpoint; Ctrl-C stops everything cleanly.")
public final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".quiver/local",
      description = "Where ZooKeeper and the data nodes keep their data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "6400",
      description = "Client (query node) gRPC port; REST/JSON listens on the next port; 0 picks free ones (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-nodes", defaultValue = "3", description = "Data nodes to run (default: ${DEFAULT-VALUE}).")
  int dataNodes;

  @Override
  public Integer call() throws InterruptedException {
    if (dataNodes < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--data-nodes must be >= 1 but was " + dataNodes);
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalCluster cluster = LocalCluster.start(dataDir, port, dataNodes);
    Lifecycle.stopOnShutdown(cluster, () -> {
      out.println("quiver local: stopped");
      out.flush();
    });
    out.println("quiver local: " + dataNodes + " data nodes, 1 coordinator, 1 query node");
    out.println("  data dir:  " + cluster.dataDir());
    out.println("  zookeeper: " + cluster.zookeeper());
    out.println("  endpoint:  " + cluster.endpoint() + " (gRPC)");
    out.println("  rest:      http://127.0.0.1:" + cluster.httpPort() + " (REST/JSON, /metrics, /healthz, /readyz)");
    out.println("Try: bin/quiver status --endpoint " + cluster.endpoint());
    out.println("quiver local: ready on port " + cluster.port() + " (Ctrl-C to stop)");
    out.flush();
    Lifecycle.awaitShutdown();
    return 0;
  }
}
