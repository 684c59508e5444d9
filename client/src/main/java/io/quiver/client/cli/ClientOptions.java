package io.quiver.client.cli;

import io.quiver.client.QuiverClient;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options every command that talks to a cluster takes: where, how long to wait, how to print. */
public final class ClientOptions {
  /**
   * The endpoint when neither {@code --endpoint} nor {@code QUIVER_ENDPOINT} is given: the query
   * node's default port (QueryNodeConfig.DEFAULT_PORT; a server test pins the two together).
   */
  public static final String DEFAULT_ENDPOINT = "localhost:6400";

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:QUIVER_ENDPOINT:-" + DEFAULT_ENDPOINT + "}",
      description = "Query node to talk to (default: $QUIVER_ENDPOINT, else " + DEFAULT_ENDPOINT + ").")
  String endpoint;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Deadline of each request, e.g. 10s, 500ms, 2m (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = "--json", description = "Print JSON for machines instead of tables.")
  boolean json;

  QuiverClient connect() {
    return QuiverClient.builder(endpoint).deadline(deadline).build();
  }

  /** Parses {@code 10s}, {@code 250ms}, {@code 2m} or ISO-8601 {@code PT10S}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        Duration d;
        if (v.startsWith("p")) {
          d = Duration.parse(v.toUpperCase(Locale.ROOT));
        } else if (v.endsWith("ms")) {
          d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        } else if (v.endsWith("m")) {
          d = Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
        } else {
          throw new TypeConversionException("'" + value + "' is not a duration like 10s, 500ms or 2m");
        }
        if (d.isZero() || d.isNegative()) {
          throw new TypeConversionException("'" + value + "' must be positive");
        }
        return d;
      } catch (RuntimeException e) {
        if (e instanceof TypeConversionException t) {
          throw t;
        }
        throw new TypeConversionException("'" + value + "' is not a duration like 10s, 500ms or 2m");
      }
    }
  }
}
