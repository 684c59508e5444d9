package io.quiver.datanode.shard;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.ShardStore;
import io.quiver.index.engine.EngineConfig;
import io.quiver.index.engine.ShardEngine;
import io.quiver.index.hnsw.HnswGraphFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's index on disk, so a restart loads sealed segments' graphs instead of building them
 * again: {@code <root>/<collection>-<shard>/gen-N/}, each generation one complete
 * {@link ShardEngine#writeSnapshot} (segment points, HNSW graphs, manifest; every file versioned
 * and CRC-checked by the engine's format). A generation is written under {@code gen-N.tmp} and
 * renamed when complete; older ones are deleted after. Loading takes the newest generation: a
 * graph file that fails its check is set aside and only its segment is re-indexed (from the
 * segment's checked points); any other bad file means no usable generation, and the caller
 * rebuilds from RocksDB. Whatever loads is then checked entry by entry against the store
 * ({@link LocalShard#adopt}), so a file never serves a row the store does not hold.
 *
 * <p>Not thread-safe per replica: the caller saves and loads one replica from one thread at a time.
 */
public final class IndexFiles {
  private static final Logger log = LoggerFactory.getLogger(IndexFiles.class);
  private static final String GEN = "gen-";
  private static final String TMP = ".tmp";

  private final Path root;

  public IndexFiles(Path root) {
    this.root = root;
  }

  Path dir(ShardId shard) {
    return root.resolve(shard.collection() + "-" + shard.shard());
  }

  /** Writes a new generation of {@code index}'s files and deletes the older ones. */
  public void save(ShardId shard, LocalShard index) throws IOException {
    Path dir = dir(shard);
    Files.createDirectories(dir);
    long next = generations(dir).stream().mapToLong(IndexFiles::generation).max().orElse(0) + 1;
    Path tmp = dir.resolve(GEN + next + TMP);
    deleteTree(tmp);
    index.save(tmp);
    Path done = dir.resolve(GEN + next);
    Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
    for (Path old : generations(dir)) {
      if (!old.equals(done)) {
        deleteTree(old);
      }
    }
  }

  /**
   * The replica's index from its newest saved generation, reconciled with {@code store}; empty
   * when none is saved or it cannot be used (the reason is logged), and the caller rebuilds.
   */
  public Optional<LocalShard.Reconciled> load(ShardId shard, CollectionConfig config, ShardStore store) {
    List<Path> gens = generations(dir(shard));
    if (gens.isEmpty()) {
      return Optional.empty();
    }
    Path gen = gens.getLast();
    EngineConfig engineConfig = EngineConfig.from(config);
    ShardEngine engine;
    try {
      engine = ShardEngine.readSnapshot(gen, engineConfig);
    } catch (IOException | RuntimeException first) {
      List<Path> bad = setAsideBadGraphs(gen);
      if (bad.isEmpty()) {
        log.warn("shard {}: saved index {} is unusable, rebuilding from the store: {}", shard, gen, first.toString());
        return Optional.empty();
      }
      log.warn("shard {}: graph files {} failed their check and are set aside; their segments are re-indexed ({})",
          shard, bad, first.toString());
      try {
        engine = ShardEngine.readSnapshot(gen, engineConfig);
      } catch (IOException | RuntimeException second) {
        log.warn("shard {}: saved index {} is unusable, rebuilding from the store: {}", shard, gen, second.toString());
        return Optional.empty();
      }
    }
    return Optional.of(LocalShard.adopt(shard, config, engine, store));
  }

  /** Deletes every saved generation of a replica that was removed. */
  public void delete(ShardId shard) {
    try {
      deleteTree(dir(shard));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the index files of shard " + shard, e);
    }
  }

  /** Renames every graph file of {@code gen} that fails to read to {@code .corrupt}; returns them. */
  private static List<Path> setAsideBadGraphs(Path gen) {
    List<Path> bad = new ArrayList<>();
    try (Stream<Path> files = Files.list(gen)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".hnsw")).sorted().toList()) {
        try {
          HnswGraphFile.read(f);
        } catch (IOException | RuntimeException e) {
          Files.move(f, f.resolveSibling(f.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
          bad.add(f.getFileName());
        }
      }
    } catch (IOException e) {
      log.warn("listing {} failed: {}", gen, e.toString());
    }
    return bad;
  }

  /** Complete generations, oldest first; unfinished {@code .tmp} ones are left out. */
  private static List<Path> generations(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(GEN) && !n.endsWith(TMP) && n.substring(GEN.length()).chars().allMatch(Character::isDigit);
      }).sorted(Comparator.comparingLong(IndexFiles::generation)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static long generation(Path p) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring(GEN.length(), n.endsWith(TMP) ? n.length() - TMP.length() : n.length()));
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
