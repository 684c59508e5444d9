package io.quiver.datanode.store;

import io.quiver.common.shard.ShardId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one RocksDB of a data node, with a column family per shard replica named
 * {@code shard:<collection uuid>/<number>}. Opening and dropping replicas is serialised on this
 * object; the map of open replicas is concurrent so lookups take no lock.
 */
public final class NodeStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeStore.class);
  private static final String PREFIX = "shard:";

  /** Memory knobs of the node's RocksDB; the block cache is shared by every replica. */
  /**
   * @param blockCacheBytes RocksDB block cache shared by every shard replica of the node
   * @param writeBufferBytes RocksDB memtable size per column family
   * @param requestTtl how long an applied request id is remembered, by the leader's clock
   * @param tombstonePurgeInterval how often a shard leader proposes forgetting the tombstones of
   *     deletes that every replica has committed
   */
  public record Settings(long blockCacheBytes, long writeBufferBytes, Duration requestTtl,
      Duration tombstonePurgeInterval) {
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 32L << 20;
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 4L << 20;
    public static final Duration DEFAULT_REQUEST_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_TOMBSTONE_PURGE_INTERVAL = Duration.ofMinutes(1);
    public static final Settings DEFAULTS = new Settings(DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES,
        DEFAULT_REQUEST_TTL, DEFAULT_TOMBSTONE_PURGE_INTERVAL);

    public Settings {
      if (blockCacheBytes < 1 << 20) {
        throw new IllegalArgumentException("data-node.store.block-cache must be >= 1 MiB but was " + blockCacheBytes);
      }
      if (writeBufferBytes < 64 << 10) {
        throw new IllegalArgumentException("data-node.store.write-buffer must be >= 64 KiB but was " + writeBufferBytes);
      }
      if (requestTtl == null || requestTtl.isNegative() || requestTtl.isZero()) {
        throw new IllegalArgumentException("data-node.store.request-id-ttl must be positive but was " + requestTtl);
      }
      if (tombstonePurgeInterval == null || tombstonePurgeInterval.toMillis() < 1000) {
        throw new IllegalArgumentException(
            "data-node.store.tombstone-purge-interval must be >= 1s but was " + tombstonePurgeInterval);
      }
    }

    /** Settings with the default tombstone purge interval. */
    public Settings(long blockCacheBytes, long writeBufferBytes, Duration requestTtl) {
      this(blockCacheBytes, writeBufferBytes, requestTtl, DEFAULT_TOMBSTONE_PURGE_INTERVAL);
    }
  }

  private final Path dir;
  private final Settings settings;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache cache;
  private final WriteOptions writeOptions;
  private final ColumnFamilyHandle defaultCf;
  /** Open replicas; written under {@code this}, read without a lock. */
  private final Map<ShardId, ShardStore> shards = new ConcurrentHashMap<>();
  /** Keeps the database open while a node-wide call ({@link #syncWal}) uses it. */
  private final UseGuard guard;

  private NodeStore(Path dir, Settings settings) throws RocksDBException {
    RocksDB.loadLibrary();
    this.dir = dir;
    this.settings = settings;
    this.guard = new UseGuard("the store " + dir);
    cache = new LRUCache(settings.blockCacheBytes());
    cfOptions = new ColumnFamilyOptions()
        .setWriteBufferSize(settings.writeBufferBytes())
        .setMaxWriteBufferNumber(2)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
    dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2).setKeepLogFileNum(2);
    // The Raft log is the write-ahead log that is fsynced; RocksDB's WAL keeps each batch atomic
    // and survives a process crash. After a power loss, replay from the last snapshot restores it.
    writeOptions = new WriteOptions().setSync(false);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    if (Files.exists(dir.resolve("CURRENT"))) {
      try (Options o = new Options()) {
        for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
          if (!new String(name, StandardCharsets.UTF_8).equals("default")) {
            descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
          }
        }
      }
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    defaultCf = handles.get(0);
    for (int i = 1; i < handles.size(); i++) {
      String name = new String(descriptors.get(i).getName(), StandardCharsets.UTF_8);
      ShardId shard = ShardId.parse(name.substring(PREFIX.length()));
      shards.put(shard, new ShardStore(shard, db, handles.get(i), settings.requestTtl(), writeOptions));
    }
    log.info("opened store {} with {} shard replicas", dir, shards.size());
  }

  /** Opens (creating if needed) the node's RocksDB in {@code dir}. */
  public static NodeStore open(Path dir, Settings settings) {
    try {
      Files.createDirectories(dir);
      return new NodeStore(dir, settings);
    } catch (RocksDBException | java.io.IOException e) {
      throw new StoreException("cannot open store " + dir, e);
    }
  }

  /** The replicas that have a column family here, found at open or created since. */
  public Set<ShardId> shards() {
    return new TreeSet<>(shards.keySet());
  }

  public ShardStore shard(ShardId shard) {
    ShardStore s = shards.get(shard);
    if (s == null) {
      throw new IllegalArgumentException("shard " + shard + " has no column family in " + dir);
    }
    return s;
  }

  /** The replica's store, its column family created on first use. */
  public synchronized ShardStore openShard(ShardId shard) {
    ShardStore s = shards.get(shard);
    if (s != null) {
      return s;
    }
    try (UseGuard.Use use = guard.enter()) {
      ColumnFamilyHandle h = db.createColumnFamily(
          new ColumnFamilyDescriptor((PREFIX + shard).getBytes(StandardCharsets.UTF_8), cfOptions));
      s = new ShardStore(shard, db, h, settings.requestTtl(), writeOptions);
      shards.put(shard, s);
      return s;
    } catch (RocksDBException e) {
      throw new StoreException("cannot create column family for shard " + shard, e);
    }
  }

  /** Deletes the replica's rows for good. */
  public synchronized void dropShard(ShardId shard) {
    ShardStore s = shards.remove(shard);
    if (s == null) {
      return;
    }
    s.closeForUse(); // waits for an export, apply or read of this replica in progress
    try (UseGuard.Use use = guard.enter()) {
      db.dropColumnFamily(s.handle());
      s.handle().close();
      log.info("dropped store of shard {}", shard);
    } catch (RocksDBException e) {
      throw new StoreException("cannot drop column family of shard " + shard, e);
    }
  }

  /** Makes every applied batch durable (syncs RocksDB's WAL): done before a snapshot lets Ratis purge. */
  public void syncWal() {
    try (UseGuard.Use use = guard.enter()) {
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new StoreException("cannot sync the store's WAL in " + dir, e);
    }
  }

  @Override
  public synchronized void close() {
    if (guard.closing()) {
      return; // a second close would free RocksDB's handles twice and crash the process
    }
    guard.close();
    for (ShardStore s : shards.values()) {
      s.closeForUse();
      s.handle().close();
    }
    shards.clear();
    defaultCf.close();
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      log.warn("syncing the WAL of {} at close failed", dir, e);
    }
    db.close();
    writeOptions.close();
    dbOptions.close();
    cfOptions.close();
    cache.close();
  }
}
