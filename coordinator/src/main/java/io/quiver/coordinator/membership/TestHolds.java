package io.quiver.coordinator.membership;

import io.quiver.coordinator.election.Fence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only pauses inside a move, for the fencing test in {@code integration-tests/}. Off unless
 * the JVM runs with {@code -Dquiver.test-holds=<dir>}; never set in production. Then the first
 * move to reach step {@code S} while {@code <dir>/hold-S} exists renames that file to
 * {@code held-S} (exactly one move per file, under a lock) and waits, its fence and its request already
 * decided, until {@code <dir>/release} exists. That is where a coordinator stopped by the
 * operating system or a long GC pause sits: past its own leadership check, before its write.
 *
 * <p>Steps: {@code learner-placement}, {@code add}, {@code promote}, {@code transfer}, {@code
 * remove}, {@code voters-placement} (ShardMover's order).
 */
final class TestHolds {
  private static final Logger log = LoggerFactory.getLogger(TestHolds.class);
  static final String PROPERTY = "quiver.test-holds";
  private static final long POLL_MILLIS = 100;
  private static final Path DIR = dir();

  private TestHolds() {}

  private static Path dir() {
    String d = System.getProperty(PROPERTY, "");
    if (d.isBlank()) {
      return null;
    }
    log.warn("TEST HOLDS ON: moves stop at steps armed under {} -- never in production", d);
    return Path.of(d);
  }

  /**
   * Renames {@code hold-<step>} to {@code held-<step>} if it exists. Under the class's lock: two
   * moves racing for one file must not both take it (a rename alone let two through).
   */
  private static synchronized boolean take(String step) {
    Path armed = DIR.resolve("hold-" + step);
    if (!Files.exists(armed)) {
      return false;
    }
    try {
      Files.move(armed, DIR.resolve("held-" + step));
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the test hold " + step + " in " + DIR, e);
    }
  }

  /** Waits here if step {@code step} is armed; {@code what} names the move in the log. */
  static void before(String step, String what, Fence fence) throws InterruptedException {
    if (DIR == null) {
      return;
    }
    if (!take(step)) {
      return;
    }
    Path release = DIR.resolve("release");
    log.warn("TEST HOLD: move {} waits before its {} step (epoch {}) until {} exists", what, step, fence.epoch(), release);
    while (!Files.exists(release)) {
      Thread.sleep(POLL_MILLIS);
    }
    log.warn("TEST HOLD: move {} released before its {} step (epoch {})", what, step, fence.epoch());
  }
}
