package io.quiver.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM on the test's own classpath and JDK, appending stdout and stderr to one log file.
 * It can be started again after a kill with the same arguments (and so the same data directory).
 *
 * <p>Not thread-safe beyond {@link #pid()} and {@link #isAlive()}: the harness drives each child
 * from one thread at a time.
 */
public final class ChildJvm {
  /** Flags fitted to many JVMs on two cores (ARCHITECTURE.md, "Timeouts"). */
  static final List<String> SMALL_JVM = List.of(
      "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1", "-Xss512k",
      "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

  private final String name;
  private final Path log;
  private final List<String> command;
  /** Where {@link #nextStartFlags} go: after the launcher (if any) and the java binary. */
  private final int flagsAt;
  /** JVM flags for the next start only (a test fault switched on for one restart). */
  private volatile List<String> nextStartFlags = List.of();
  private volatile Process process;
  private volatile boolean paused;
  private long logOffsetAtStart;
  private int starts;

  ChildJvm(String name, Path log, String heap, List<String> jvmFlags, String mainClass, List<String> args) {
    this(List.of(), name, log, heap, jvmFlags, mainClass, args);
  }

  /**
   * A child started through {@code launcher}, a command that execs the rest in place (such as
   * {@code ip netns exec <ns>}), so that {@link #pid()} and the signals still reach the JVM itself.
   */
  ChildJvm(List<String> launcher, String name, Path log, String heap, List<String> jvmFlags, String mainClass,
      List<String> args) {
    this.name = name;
    this.log = log;
    List<String> c = new ArrayList<>(launcher);
    c.add(javaBinary());
    this.flagsAt = c.size();
    c.add("-Xmx" + heap);
    c.addAll(SMALL_JVM);
    c.addAll(jvmFlags);
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(mainClass);
    c.addAll(args);
    this.command = List.copyOf(c);
  }

  /** The JDK the tests run on: never a hard-coded path. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public synchronized void start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running as pid " + process.pid());
    }
    Files.createDirectories(log.getParent());
    logOffsetAtStart = Files.exists(log) ? Files.size(log) : 0;
    starts++;
    Files.writeString(log, "\n==== harness: start #" + starts + " of " + name + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(flagsAt, nextStartFlags);
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    paused = false;
  }

  /** Extra JVM flags for every later start, e.g. {@code -Dquiver.test-faults=corrupt-apply}. */
  public void setExtraFlags(List<String> flags) {
    nextStartFlags = List.copyOf(flags);
  }

  /** Waits until this start's log shows {@code marker}; fails if the process dies or the time runs out. */
  public void awaitLog(String marker, Duration timeout) throws IOException, InterruptedException {
    long giveUp = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < giveUp) {
      if (sinceStart().contains(marker)) {
        return;
      }
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before '" + marker
            + "'; log tail:\n" + tail(40));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not log '" + marker + "' within " + timeout + "; log tail:\n" + tail(40));
  }

  private String sinceStart() throws IOException {
    byte[] all = Files.readAllBytes(log);
    int from = (int) Math.min(all.length, logOffsetAtStart);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** Started at least once: a spare that never joined is not restarted by a sweep. */
  public synchronized boolean started() {
    return starts > 0;
  }

  public boolean paused() {
    return paused;
  }

  /** SIGKILL (Process.destroyForcibly on Linux), then waits for the process to be gone. */
  public synchronized void kill() throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (paused) {
      try {
        signal("CONT"); // a stopped process dies of SIGKILL too; this only keeps its state plain
      } catch (IOException e) {
        // SIGKILL below ends it anyway
      }
    }
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + p.pid() + ") survived SIGKILL for 30 s");
    }
    paused = false;
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing until {@link #resume()}. */
  public synchronized void pause() throws IOException, InterruptedException {
    if (isAlive() && !paused) {
      signal("STOP");
      paused = true;
    }
  }

  public synchronized void resume() throws IOException, InterruptedException {
    if (paused) {
      signal("CONT");
      paused = false;
    }
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + process.pid() + " failed: "
          + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The last lines of the log, for failure messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
