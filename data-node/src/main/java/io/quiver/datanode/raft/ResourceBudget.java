package io.quiver.datanode.raft;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data node's memory and disk against their budgets, sampled every {@link #SAMPLE_INTERVAL}
 * on a daemon thread so that a write's admission reads two volatile numbers.
 *
 * <p>Memory is the Java heap in use as each heap pool stood after its most recent collection (so
 * garbage waiting for the next one does not count); RocksDB's native memory is bounded by its own
 * settings and not counted. The memory budget is {@code data-node.admission.memory-budget-bytes},
 * by default {@link #DEFAULT_HEAP_FRACTION} of the maximum heap. Disk is every file under the
 * node's data directory (Raft logs, RocksDB, index files); the disk budget is
 * {@code data-node.admission.disk-budget-bytes} (0, the default: none), and whatever the budget the
 * node keeps {@link #MIN_FREE_DISK_BYTES} free on the data directory's filesystem, so a full disk
 * refuses writes instead of killing RocksDB or the Raft log mid-write.
 */
public final class ResourceBudget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceBudget.class);
  static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(2);
  /** The default memory budget as a share of the maximum heap: room for a collection to run. */
  public static final double DEFAULT_HEAP_FRACTION = 0.9;
  /** Free space the node always leaves on its data directory's filesystem. */
  public static final long MIN_FREE_DISK_BYTES = 256L << 20;

  private final Path dataDir;
  private final long memoryBudget;
  private final long diskBudget;
  private final ScheduledExecutorService sampler;
  private volatile long memoryUsed;
  private volatile long diskUsed;
  private volatile long diskFree = Long.MAX_VALUE;

  ResourceBudget(Path dataDir, AdmissionSettings settings) {
    this.dataDir = dataDir;
    this.memoryBudget = settings.memoryBudgetBytes() > 0 ? settings.memoryBudgetBytes()
        : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION);
    this.diskBudget = settings.diskBudgetBytes();
    sample();
    sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("resource-sampler").factory());
    long every = SAMPLE_INTERVAL.toMillis();
    sampler.scheduleWithFixedDelay(this::sample, every, every, TimeUnit.MILLISECONDS);
  }

  public long memoryUsedBytes() {
    return memoryUsed;
  }

  public long memoryBudgetBytes() {
    return memoryBudget;
  }

  public long diskUsedBytes() {
    return diskUsed;
  }

  /** The disk budget, 0 when none is set (the free-space floor still applies). */
  public long diskBudgetBytes() {
    return diskBudget;
  }

  /** Why a write must be refused now, naming the limit; null while within every budget. */
  String exceeded() {
    long mem = memoryUsed;
    if (mem > memoryBudget) {
      return "the node's heap in use after collection is " + mem + " bytes, above data-node.admission.memory-budget-bytes="
          + memoryBudget;
    }
    long disk = diskUsed;
    if (diskBudget > 0 && disk > diskBudget) {
      return "the node's data directory holds " + disk + " bytes, above data-node.admission.disk-budget-bytes=" + diskBudget;
    }
    long free = diskFree;
    if (free < MIN_FREE_DISK_BYTES) {
      return "the filesystem of the node's data directory has " + free + " bytes free, below the "
          + MIN_FREE_DISK_BYTES + " the node keeps free";
    }
    return null;
  }

  private void sample() {
    try {
      memoryUsed = heapInUse();
      diskUsed = sizeOf(dataDir);
      diskFree = Files.getFileStore(dataDir).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      // Keep the last sample; a failing sampler must not stop writes on its own.
      log.debug("sampling memory and disk failed: {}", e.toString());
    }
  }

  static long heapInUse() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP || !pool.isValid()) {
        continue;
      }
      // A pool's usage after its last collection (an old generation: after the last full one).
      MemoryUsage after = pool.getCollectionUsage();
      used += after != null ? after.getUsed() : pool.getUsage().getUsed();
    }
    return used;
  }

  /** Bytes of every regular file under {@code dir}; files removed during the walk are skipped. */
  static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(ResourceBudget::sizeOrZero).sum();
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isRegularFile() ? a.size() : 0;
    } catch (IOException e) {
      return 0; // deleted while walking (a compaction, a log roll)
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
