package io.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.cli.ClientOptions;
import io.quiver.querynode.QueryNodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The defaults a user relies on without reading anything: the CLI finds the query node that `quiver local` starts. */
class LauncherDefaultsTest {

  @Test
  void theClientsDefaultEndpointIsTheQueryNodesDefaultPort() {
    assertThat(ClientOptions.DEFAULT_ENDPOINT).isEqualTo("localhost:" + QueryNodeConfig.DEFAULT_PORT);
    CommandLine local = Main.commandLine().getSubcommands().get("local");
    assertThat(local.getCommandSpec().findOption("--port").defaultValue()).isEqualTo(String.valueOf(QueryNodeConfig.DEFAULT_PORT));
    assertThat(local.getCommandSpec().findOption("--data-dir").defaultValue()).isEqualTo(".quiver/local");
  }

  @Test
  void oneExecutableServesEveryRoleAndEveryClientCommand() {
    assertThat(Main.commandLine().getSubcommands().keySet())
        .contains("local", "coordinator", "data-node", "query-node", "collections", "points", "search", "status", "help");
  }

  @Test
  void noCommandShowsTheUsageAndFails() {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute()).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: quiver").contains("local").contains("search");
  }
}
