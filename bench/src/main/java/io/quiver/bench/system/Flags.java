package io.quiver.bench.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** {@code --name value} command-line flags over defaults; an unknown name is an error. */
record Flags(Map<String, String> values) {
  static Flags parse(String[] args, Map<String, String> defaults) {
    Map<String, String> v = new HashMap<>(defaults);
    for (int i = 0; i < args.length; i += 2) {
      if (!v.containsKey(args[i]) || i + 1 == args.length) {
        throw new IllegalArgumentException("unknown flag or missing value: " + args[i] + " (flags: " + defaults.keySet() + ")");
      }
      v.put(args[i], args[i + 1]);
    }
    return new Flags(Map.copyOf(v));
  }

  int integer(String name) {
    return Integer.parseInt(values.get(name));
  }

  /** Deletes a benchmark's scratch directory. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
