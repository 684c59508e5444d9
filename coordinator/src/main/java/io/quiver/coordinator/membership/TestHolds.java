package io.quiver.coordinator.membership;

import io.quiver.coordinator.election.Fence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only pauses inside a move, for the fencing test in {@code integration-tests/}. Off unless
 * the JVM runs with {@code -Dquiver.test-holds=<dir>}; never set in production. Then the first
 * move to reach step {@code S} while {@code <dir>/hold-S} exists renames that file to
 * {@code held-S} (so exactly one move holds per file) and waits, its fence and its request already
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

  /** Waits here if step {@code step} is armed; {@code what} names the move in the log. */
  static void before(String step, String what, Fence fence) throws InterruptedException {
    if (DIR == null) {
      return;
    }
    try {
      Files.move(DIR.resolve("hold-" + step), DIR.resolve("held-" + step));
    } catch (NoSuchFileException e) {
      return; // not armed, or another move took it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the test hold " + step + " in " + DIR, e);
    }
    Path release = DIR.resolve("release");
    log.warn("TEST HOLD: move {} waits before its {} step (epoch {}) until {} exists", what, step, fence.epoch(), release);
    while (!Files.exists(release)) {
      Thread.sleep(POLL_MILLIS);
    }
    log.warn("TEST HOLD: move {} released before its {} step (epoch {})", what, step, fence.epoch());
  }
}
