package io.quiver.server;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server command lives: it starts its parts, registers them here, and parks its main thread
 * until the JVM is asked to stop (Ctrl-C, SIGTERM), when a shutdown hook closes them.
 */
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
  /** Counted down only by JVM exit; the main thread parks on it. */
  private static final CountDownLatch FOREVER = new CountDownLatch(1);

  private Lifecycle() {}

  /** Closes {@code running} when the JVM shuts down, then runs {@code after}. */
  public static void stopOnShutdown(AutoCloseable running, Runnable after) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        log.error("clean stop failed", e);
      }
      after.run();
    }, "quiver-shutdown"));
  }

  /** Parks the calling thread until the JVM exits. */
  public static void awaitShutdown() throws InterruptedException {
    FOREVER.await();
  }
}
