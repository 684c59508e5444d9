package io.quiver.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this JVM (all its threads: workers, GC, JIT). On a machine shared with other jobs,
 * single-threaded throughput per CPU-second is far steadier than per wall-second.
 */
final class CpuClock {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private CpuClock() {}

  static long processNanos() {
    return OS.getProcessCpuTime();
  }
}
