package io.quiver.datanode.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardOp;
import io.quiver.datanode.store.ShardStore;
import io.quiver.index.engine.EngineConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's index saved beside its RocksDB rows and loaded at restart: entries count only
 * where (id, log index) matches the store's row, and a file that fails its check is never served.
 */
class IndexFilesTest {
  static final int DIM = 8;
  /** One sealed segment and a growing one at the engine's default segment size. */
  static final int POINTS = EngineConfig.DEFAULT_SEGMENT_MAX_POINTS + 500;
  static final CollectionConfig CONFIG = CollectionConfig.of(DIM, Distance.L2).withShards(1, 1);

  @TempDir Path dir;
  NodeStore nodeStore;
  ShardStore store;
  IndexFiles files;
  final ShardId shard = new ShardId(UUID.randomUUID(), 0);
  long seed;
  Random rnd;
  long index;

  @BeforeEach
  void open() {
    seed = new Random().nextLong();
    System.out.println("IndexFilesTest seed " + seed);
    rnd = new Random(seed);
    nodeStore = NodeStore.open(dir.resolve("store"), NodeStore.Settings.DEFAULTS);
    store = nodeStore.openShard(shard);
    files = new IndexFiles(dir.resolve("index"));
  }

  @AfterEach
  void close() {
    nodeStore.close();
  }

  @Test
  void aFlippedByteInAGraphFileIsDetectedAndOnlyThatSegmentIsReindexedSearchesStayCorrect() throws Exception {
    ShardIndexes indexes = new ShardIndexes(files);
    indexes.attach(shard, CONFIG, store);
    write(indexes, POINTS);
    indexes.find(shard).orElseThrow().awaitIndexed();
    indexes.close(); // saves

    Path graph = onlyGeneration().resolve("seg-0.hnsw");
    assertThat(graph).exists();
    flipByte(graph);

    ShardIndexes reopened = new ShardIndexes(files);
    reopened.attach(shard, CONFIG, store);
    assertThat(graph.resolveSibling("seg-0.hnsw.corrupt")).as("the bad graph is set aside, not served").exists();
    LocalShard loaded = reopened.find(shard).orElseThrow();
    assertThat(loaded.size()).isEqualTo(POINTS);
    assertSearchesMatchTheStore(loaded);
    loaded.awaitIndexed(); // the set-aside segment's graph is built again
    assertSearchesMatchTheStore(loaded);
    reopened.close();
  }

  @Test
  void aGraphBuiltAfterTheLastSaveIsSavedAtCloseThoughNoWriteCameSince() throws Exception {
    ShardIndexes indexes = new ShardIndexes(files);
    indexes.attach(shard, CONFIG, store);
    write(indexes, POINTS);
    LocalShard index = indexes.find(shard).orElseThrow();
    indexes.save(shard); // the periodic save, while the sealed segment's graph is (most likely) still building
    boolean graphWasPending = !Files.exists(onlyGeneration().resolve("seg-0.hnsw"));
    index.awaitIndexed();
    indexes.close(); // saves: the graph changed the index though the applied index did not move
    assertThat(onlyGeneration().resolve("seg-0.hnsw")).as("graph pending at the first save: %s", graphWasPending)
        .exists();

    ShardIndexes reopened = new ShardIndexes(files);
    reopened.attach(shard, CONFIG, store);
    LocalShard loaded = reopened.find(shard).orElseThrow();
    assertThat(loaded.unindexedPoints()).as("loaded with its graph, nothing to build again").isZero();
    assertSearchesMatchTheStore(loaded);
    reopened.close();
  }

  @Test
  void loadedEntriesCountOnlyWhereIdAndLogIndexMatchTheStore() throws Exception {
    ShardIndexes indexes = new ShardIndexes(files);
    indexes.attach(shard, CONFIG, store);
    List<Point> first = write(indexes, 1_000);
    indexes.close(); // saved here; what follows reaches the store only, as if the node crashed

    PointId deleted = first.get(3).id();
    Point moved = new Point(first.get(7).id(), vector(), Map.of("v", 2L), null);
    apply(null, new ShardOp.Delete(List.of(deleted)));
    apply(null, new ShardOp.Upsert(List.of(moved)));
    List<Point> later = write(null, 50);

    ShardIndexes reopened = new ShardIndexes(files);
    reopened.attach(shard, CONFIG, store);
    LocalShard loaded = reopened.find(shard).orElseThrow();
    assertThat(loaded.size()).isEqualTo(1_000 - 1 + 50);
    assertThat(loaded.get(List.of(deleted))).isEmpty();
    assertThat(loaded.get(List.of(moved.id())).getFirst().vector()).isEqualTo(moved.vector());
    assertThat(loaded.get(List.of(later.getLast().id()))).hasSize(1);
    assertThat(loaded.appliedIndex()).isEqualTo(store.appliedIndex());
    assertSearchesMatchTheStore(loaded);
    reopened.close();
  }

  @Test
  void aCorruptPointsFileMeansARebuildFromTheStore() throws Exception {
    ShardIndexes indexes = new ShardIndexes(files);
    indexes.attach(shard, CONFIG, store);
    write(indexes, 500);
    indexes.close();
    Path points;
    try (Stream<Path> s = Files.list(onlyGeneration())) {
      points = s.filter(p -> p.toString().endsWith(".points")).findFirst().orElseThrow();
    }
    flipByte(points);

    ShardIndexes reopened = new ShardIndexes(files);
    reopened.attach(shard, CONFIG, store);
    LocalShard rebuilt = reopened.find(shard).orElseThrow();
    assertThat(rebuilt.size()).isEqualTo(500);
    assertSearchesMatchTheStore(rebuilt);
    reopened.close();
  }

  /** Nearest neighbours of stored points, by the index and by brute force over the store's rows. */
  private void assertSearchesMatchTheStore(LocalShard index) {
    List<Point> rows = new ArrayList<>();
    store.forEachLive(sp -> rows.add(sp.point()));
    for (int q = 0; q < 20; q++) {
      Point probe = rows.get(rnd.nextInt(rows.size()));
      List<ScoredPoint> exact = index.search(probe.vector(), 5, Filter.ALL, 64, true);
      List<PointId> expected = rows.stream()
          .sorted(Comparator.comparingDouble((Point p) -> l2(p.vector(), probe.vector())).thenComparing(Point::id))
          .limit(5).map(Point::id).toList();
      assertThat(exact.stream().map(ScoredPoint::id).toList()).as("exact search, seed " + seed).isEqualTo(expected);
      List<ScoredPoint> ann = index.search(probe.vector(), 1, Filter.ALL, 128, false);
      assertThat(ann.getFirst().id()).as("approximate search finds the stored point, seed " + seed).isEqualTo(probe.id());
      assertThat(ann.getFirst().point().vector()).isEqualTo(probe.vector());
    }
  }

  private List<Point> write(ShardIndexes indexes, int n) {
    List<Point> all = new ArrayList<>();
    for (int done = 0; done < n; done += 1_000) {
      List<Point> batch = new ArrayList<>();
      for (int i = done; i < Math.min(n, done + 1_000); i++) {
        batch.add(new Point(PointId.of(index * 10_000 + i), vector(), Map.of(), null));
      }
      apply(indexes, new ShardOp.Upsert(batch));
      all.addAll(batch);
    }
    return all;
  }

  private void apply(ShardIndexes indexes, ShardOp op) {
    index++;
    var applied = store.apply(1, index, 1_000 + index, "", new byte[0], op).orElseThrow();
    if (indexes != null) {
      indexes.onApplied(shard, applied.change());
    }
  }

  private float[] vector() {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = rnd.nextFloat();
    }
    return v;
  }

  private Path onlyGeneration() throws IOException {
    try (Stream<Path> s = Files.list(files.dir(shard))) {
      List<Path> gens = s.toList();
      assertThat(gens).hasSize(1);
      return gens.getFirst();
    }
  }

  private static void flipByte(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = ch.size() / 2;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      ch.write(b.rewind(), at);
    }
  }

  private static double l2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
