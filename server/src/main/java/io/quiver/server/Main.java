package io.quiver.server;

import io.quiver.client.cli.QuiverCli;
import io.quiver.server.local.LocalCommand;
import io.quiver.server.roles.RoleCommands;
import picocli.CommandLine;

/**
 * The {@code quiver} executable: the server commands ({@code local}, {@code coordinator},
 * {@code data-node}, {@code query-node}) beside the client commands ({@code collections},
 * {@code points}, {@code search}, {@code status}), so one {@code bin/quiver} serves both.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    quietLibraries();
    System.exit(commandLine().execute(args));
  }

  /** The full command line, for tests that run it in-process. */
  public static CommandLine commandLine() {
    // Server commands first, then the client's; one help at the end.
    CommandLine client = QuiverCli.commandLine();
    CommandLine cl = new CommandLine(new Root());
    cl.addSubcommand(new CommandLine(new LocalCommand()));
    cl.addSubcommand(new CommandLine(new RoleCommands.Coordinator()));
    cl.addSubcommand(new CommandLine(new RoleCommands.DataNode()));
    cl.addSubcommand(new CommandLine(new RoleCommands.QueryNode()));
    client.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        cl.addSubcommand(name, sub);
      }
    });
    cl.addSubcommand(new CommandLine(new picocli.CommandLine.HelpCommand()));
    return QuiverCli.configure(cl);
  }

  /** The top command; with no subcommand it shows the usage and fails as a usage error does. */
  @picocli.CommandLine.Command(
      name = "quiver",
      description = "Quiver, a distributed vector database.",
      mixinStandardHelpOptions = true,
      versionProvider = QuiverCli.Version.class)
  static final class Root implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return 2;
    }
  }

  /**
   * ZooKeeper and Curator log every connection at INFO; a user of {@code quiver local} wants to
   * see Quiver's own lines. Set before the first logger exists; a -D on the command line wins.
   */
  private static void quietLibraries() {
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.zookeeper", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.curator", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.grpc", "warn");
    // Ratis logs every config key per replica at INFO and each failed append while a peer is down.
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.ratis.grpc.server.GrpcLogAppender", "error");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.ratis.server.impl", "error");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
