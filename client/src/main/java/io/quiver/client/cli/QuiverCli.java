package io.quiver.client.cli;

import io.quiver.common.error.QuiverException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code quiver} command line. {@link #commandLine()} builds it with the error handling every
 * entry point shares (the server launcher adds its own subcommands to it): a failed request
 * prints {@code error: CODE: message} and exits 1; a usage error prints the message and the
 * usage and exits 2.
 */
@Command(
    name = "quiver",
    description = "Quiver, a distributed vector database: the command-line client.",
    mixinStandardHelpOptions = true,
    versionProvider = QuiverCli.Version.class,
    subcommands = {
      CollectionsCommand.class, PointsCommand.class, SearchCommand.class, StatusCommand.class, AdminCommand.class,
      HelpCommand.class
    })
public final class QuiverCli implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** No command given: show what there is, and fail as a usage error does. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Exit status of a request the server (or the connection) refused. */
  public static final int EXIT_FAILED = 1;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line of the client commands, ready to execute. */
  public static CommandLine commandLine() {
    return configure(new CommandLine(new QuiverCli()));
  }

  /** Applies the shared error handling to a command line (and its subcommands). */
  public static CommandLine configure(CommandLine cl) {
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          String msg =
              e instanceof QuiverException q
                  ? q.code() + ": " + q.getMessage()
                  : e instanceof UncheckedIOException || e instanceof java.io.IOException || e instanceof IllegalArgumentException
                      ? e.getMessage()
                      : e.toString();
          cmd.getErr().println("error: " + msg);
          cmd.getErr().flush();
          return EXIT_FAILED;
        });
    return cl;
  }

  /** The version from the jar's manifest, when there is one. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QuiverCli.class.getPackage().getImplementationVersion();
      return new String[] {"quiver " + (v == null ? "(development build)" : v)};
    }
  }
}
