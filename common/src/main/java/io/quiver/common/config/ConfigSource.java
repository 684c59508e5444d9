package io.quiver.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where config values come from, highest precedence first: explicit overrides (command-line
 * flags), environment variables ({@code data-node.port} is read from {@code QUIVER_DATA_NODE_PORT}),
 * then a properties file. Keys are kebab-case with dots ({@code data-node.segment.max-points}).
 * Every getter names the key and the value when a value does not parse.
 */
public final class ConfigSource {
  private final Map<String, String> overrides;
  private final Map<String, String> env;
  private final Map<String, String> file;

  private ConfigSource(Map<String, String> overrides, Map<String, String> env, Map<String, String> file) {
    this.overrides = Map.copyOf(overrides);
    this.env = Map.copyOf(env);
    this.file = Map.copyOf(file);
  }

  /** Nothing set: every key takes its default. */
  public static ConfigSource empty() {
    return new ConfigSource(Map.of(), Map.of(), Map.of());
  }

  /** Only the given values (tests, embedded use). */
  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values, Map.of(), Map.of());
  }

  /**
   * The process's sources: the file (if not null), the real environment, and the overrides.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static ConfigSource load(Path file, Map<String, String> overrides) {
    return new ConfigSource(overrides, System.getenv(), readFile(file));
  }

  /** Same, with a given environment (for tests). */
  public static ConfigSource load(Path file, Map<String, String> env, Map<String, String> overrides) {
    return new ConfigSource(overrides, env, readFile(file));
  }

  private static Map<String, String> readFile(Path file) {
    if (file == null) {
      return Map.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("config file '" + file + "' cannot be read: " + e.getMessage(), e);
    }
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put(k.toString().trim(), v.toString().trim()));
    return m;
  }

  /** The environment variable a key is read from. */
  public static String envName(String key) {
    return "QUIVER_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The raw value, or null when no source sets it. */
  public String raw(String key) {
    String v = overrides.get(key);
    if (v == null) {
      v = env.get(envName(key));
    }
    if (v == null) {
      v = file.get(key);
    }
    return v;
  }

  public String getString(String key, String dflt) {
    String v = raw(key);
    return v == null || v.isEmpty() ? dflt : v;
  }

  public int getInt(String key, int dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be an integer but was '" + v + "'", e);
    }
  }

  public double getDouble(String key, double dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be a number but was '" + v + "'", e);
    }
  }

  public long getLong(String key, long dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be an integer but was '" + v + "'", e);
    }
  }

  public boolean getBoolean(String key, boolean dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("config " + key + " must be true or false but was '" + v + "'");
    };
  }

  public Path getPath(String key, Path dflt) {
    String v = raw(key);
    return v == null || v.isEmpty() ? dflt : Path.of(v);
  }

  /**
   * A duration: a number with a unit {@code ms}, {@code s}, {@code m} or {@code h}
   * ({@code 10s}, {@code 250ms}, {@code 2m}), or ISO-8601 ({@code PT10S}).
   */
  public Duration getDuration(String key, Duration dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    return parseDuration(key, v);
  }

  /** A byte size: a number with an optional unit {@code k}, {@code m}, {@code g} (powers of 1024). */
  public long getBytes(String key, long dflt) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    String t = v.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
    long mult = 1;
    char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
    switch (last) {
      case 'k' -> mult = 1L << 10;
      case 'm' -> mult = 1L << 20;
      case 'g' -> mult = 1L << 30;
      case 't' -> mult = 1L << 40;
      default -> mult = 1;
    }
    String num = mult == 1 ? t : t.substring(0, t.length() - 1);
    try {
      return Math.multiplyExact(Long.parseLong(num.trim()), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("config " + key + " must be a byte size like 512m but was '" + v + "'", e);
    }
  }

  static Duration parseDuration(String key, String v) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 60));
      }
      if (t.endsWith("h")) {
        return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 3600));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config " + key + " must be a duration like 10s but was '" + v + "'", e);
    }
    throw new IllegalArgumentException("config " + key + " must be a duration like 10s or 250ms but was '" + v + "'");
  }

  /** Every key set by any source, for start-up logging. */
  public Map<String, String> effective() {
    Map<String, String> m = new TreeMap<>(file);
    env.forEach((k, v) -> {
      if (k.startsWith("QUIVER_")) {
        m.put(k, v);
      }
    });
    m.putAll(overrides);
    return m;
  }
}
