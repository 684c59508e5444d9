package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.Hit;
import io.quiver.client.QuiverClient;
import io.quiver.client.RestoreResult;
import io.quiver.client.RetrievedPoint;
import io.quiver.client.SearchQuery;
import io.quiver.client.SnapshotManifest;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quiver admin snapshot|restore} through the SDK against a real cluster (ZooKeeper, a
 * coordinator, three data nodes with Ratis and RocksDB, a query node, gRPC on loopback): a
 * collection snapshotted, dropped and restored comes back point for point, and a bad snapshot or
 * a taken name changes nothing.
 */
class BackupTest {
  private static final int DIM = 8;
  private static final int POINTS = 3_000;

  @TempDir static Path dir;
  static LoopbackCluster cluster;
  static QuiverClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir.resolve("cluster"), 3);
    client = QuiverClient.builder(cluster.endpoint()).deadline(Duration.ofSeconds(60)).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  /** One hit as compared before and after: id, score, payload and text. */
  private record Seen(PointId id, float score, Map<String, Object> payload, String text) {}

  @Test
  void aSnapshotDroppedAndRestoredGivesBackEveryPointAndTheSameSearches() throws IOException {
    long seed = new Random().nextLong();
    System.out.println("BackupTest seed " + seed);
    Random rnd = new Random(seed);
    CollectionInfo original = client.createCollection(CollectionSpec.builder("backup", DIM, Distance.L2).shards(4)
        .replicationFactor(2).hnsw(12, 0, 0).payloadIndex("category", PayloadFieldType.KEYWORD).build());

    Map<PointId, Point> points = new HashMap<>();
    List<Point> all = new ArrayList<>();
    for (int i = 0; i < POINTS; i++) {
      PointId id = i % 7 == 0 ? PointId.of(new UUID(rnd.nextLong(), rnd.nextLong())) : PointId.of(i);
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) v[j] = rnd.nextFloat();
      Map<String, Object> payload = Map.of("category", "c" + (i % 5), "i", (long) i, "score", rnd.nextDouble(),
          "tags", List.of("t" + (i % 3), "all"), "nested", Map.of("even", i % 2 == 0));
      Point p = new Point(id, v, payload, i % 3 == 0 ? "text of point " + i : null);
      points.put(id, p);
      all.add(p);
    }
    client.upsert("backup", all);
    List<PointId> deleted = all.stream().filter(p -> rnd.nextInt(10) == 0).map(Point::id).toList();
    assertThat(client.delete("backup", deleted).affected()).isEqualTo(deleted.size());
    deleted.forEach(points::remove);
    long querySeed = rnd.nextLong();
    List<List<Seen>> before = searches(querySeed);

    Path snap = dir.resolve("snap");
    SnapshotManifest m = client.snapshot("backup", snap);
    assertThat(m.points()).isEqualTo(points.size());
    assertThat(m.collectionUuid()).isEqualTo(original.uuid());
    assertThat(m.shards()).hasSize(4).allSatisfy(s -> assertThat(snap.resolve(s.file())).exists());
    assertThat(m.shards()).allSatisfy(s -> assertThat(s.appliedIndex()).isPositive());
    assertThat(listing(snap)).containsExactlyInAnyOrder("manifest.json", "shard-0000.points", "shard-0001.points",
        "shard-0002.points", "shard-0003.points");

    client.dropCollection("backup");
    RestoreResult r = client.restore(snap, null);
    assertThat(r.collection()).isEqualTo("backup");
    assertThat(r.points()).isEqualTo(points.size());
    assertThat(r.uuid()).isNotEqualTo(original.uuid());
    assertThat(client.describeCollection("backup").info().config()).isEqualTo(original.config());

    assertThat(client.count("backup")).isEqualTo(points.size());
    assertEveryPointIsBack(points);
    assertThat(client.get("backup", deleted, true, true)).as("deleted points stay deleted").isEmpty();
    assertThat(searches(querySeed)).as("exact searches, with a filter on the indexed field too").isEqualTo(before);

    // A taken name is refused and changes nothing; a resumed restore sends every batch again under
    // the same request ids, and they are answered from the stored results.
    assertThatThrownBy(() -> client.restore(snap, "backup"))
        .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    RestoreResult again = client.restore(snap, "backup", true);
    assertThat(again.resumed()).isTrue();
    assertThat(again.uuid()).isEqualTo(r.uuid());
    assertThat(client.count("backup")).isEqualTo(points.size());
  }

  @Test
  void aCorruptOrMissingFileIsRefusedNamingItAndNothingIsCreated() throws IOException {
    client.createCollection(CollectionSpec.builder("small", DIM, Distance.L2).shards(3).build());
    List<Point> few = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] v = new float[DIM];
      v[i % DIM] = 1f;
      v[(i + 1) % DIM] = i;
      few.add(new Point(PointId.of(i), v, Map.of("i", (long) i), "point " + i));
    }
    client.upsert("small", few);
    Path snap = dir.resolve("small-snap");
    client.snapshot("small", snap);

    Path flipped = copy(snap, dir.resolve("flipped"));
    Path victim = flipped.resolve("shard-0002.points");
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(victim, bytes);
    assertThatThrownBy(() -> client.restore(flipped, "small-copy"))
        .isInstanceOfSatisfying(QuiverException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(victim.toString()).contains("corrupt");
        });

    Path missing = copy(snap, dir.resolve("missing"));
    Files.delete(missing.resolve("shard-0001.points"));
    assertThatThrownBy(() -> client.restore(missing, "small-copy"))
        .isInstanceOfSatisfying(QuiverException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
          assertThat(e.getMessage()).contains(missing.resolve("shard-0001.points").toString());
        });
    assertThat(client.listCollections()).extracting(CollectionInfo::name).doesNotContain("small-copy");

    // The intact snapshot restores under another name beside the original.
    RestoreResult copy = client.restore(snap, "small-copy");
    assertThat(copy.points()).isEqualTo(300);
    assertThat(client.count("small-copy")).isEqualTo(300);
    assertThat(client.get("small-copy", List.of(PointId.of(123)), true, true)).singleElement()
        .satisfies(p -> {
          assertThat(p.vector()).containsExactly(few.get(123).vector());
          assertThat(p.payload()).isEqualTo(Map.of("i", 123L));
          assertThat(p.text()).isEqualTo("point 123");
        });
  }

  @Test
  void badInputIsRefusedAndWritesNothing() throws IOException {
    Path target = dir.resolve("unknown-snap");
    assertThatThrownBy(() -> client.snapshot("no-such-collection", target))
        .isInstanceOfSatisfying(QuiverException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
          assertThat(e.getMessage()).contains("no-such-collection");
        });
    assertThat(target).doesNotExist();

    Path used = Files.createDirectories(dir.resolve("used"));
    Files.writeString(used.resolve("keep.txt"), "mine");
    assertThatThrownBy(() -> client.snapshot("no-such-collection", used))
        .isInstanceOfSatisfying(QuiverException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(used.toString()).contains("not empty").contains("keep.txt");
        });
    assertThat(listing(used)).containsExactly("keep.txt");
  }

  /** Exact searches (with payload and text) for a few random vectors drawn from {@code seed}. */
  private static List<List<Seen>> searches(long seed) {
    Random rnd = new Random(seed);
    List<List<Seen>> out = new ArrayList<>();
    for (int q = 0; q < 5; q++) {
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) v[j] = rnd.nextFloat();
      SearchQuery.Builder b = SearchQuery.builder("backup", v).k(20).exact(true).withPayload(true);
      if (q == 4) {
        b.filter("category == \"c1\"");
      }
      List<Hit> hits = client.search(b.build()).hits();
      out.add(hits.stream().map(h -> new Seen(h.id(), h.score(), h.payload(), h.text())).toList());
    }
    return out;
  }

  private static void assertEveryPointIsBack(Map<PointId, Point> points) {
    List<PointId> ids = new ArrayList<>(points.keySet());
    Set<PointId> found = new HashSet<>();
    for (int from = 0; from < ids.size(); from += 1_000) {
      for (RetrievedPoint p : client.get("backup", ids.subList(from, Math.min(ids.size(), from + 1_000)), true, true)) {
        Point want = points.get(p.id());
        assertThat(p.vector()).as("vector of %s", p.id()).containsExactly(want.vector());
        assertThat(p.payload()).as("payload of %s", p.id()).isEqualTo(want.payload());
        assertThat(p.text()).as("text of %s", p.id()).isEqualTo(want.text());
        found.add(p.id());
      }
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(points.keySet());
  }

  private static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
    return to;
  }
}
