package io.quiver.bench.writes;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs of a benchmark's command line. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs but got '" + args[i] + "'");
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    return opts;
  }
}
