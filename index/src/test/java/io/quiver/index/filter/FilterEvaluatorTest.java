package io.quiver.index.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.PointId;
import io.quiver.index.segment.Segment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * The index-backed evaluation must agree with reading each payload, for indexed and unindexed
 * fields alike, on random payloads and random filters.
 */
class FilterEvaluatorTest {
  private static final long SEED = System.nanoTime();
  private static final String[] COLORS = {"red", "green", "blue", "black"};

  @Test
  void indexedAndScannedEvaluationAgreeWithPayloadMatching() {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    PayloadSchema schema = new PayloadSchema(Map.of(
        "color", PayloadFieldType.KEYWORD,
        "n", PayloadFieldType.INTEGER,
        "price", PayloadFieldType.FLOAT,
        "ok", PayloadFieldType.BOOL,
        "at", PayloadFieldType.DATETIME));
    Segment indexed = new Segment(0, 2, Distance.L2, schema);
    Segment plain = new Segment(1, 2, Distance.L2, PayloadSchema.EMPTY);
    List<Map<String, Object>> payloads = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Map<String, Object> p = randomPayload(r);
      payloads.add(p);
      indexed.append(PointId.of(i), new float[2], p, null, i);
      plain.append(PointId.of(i), new float[2], p, null, i);
    }
    for (int i = 0; i < 400; i += 7) {
      indexed.delete(i);
      plain.delete(i);
    }
    for (int t = 0; t < 300; t++) {
      Filter f = randomFilter(r, 2);
      RoaringBitmap expected = new RoaringBitmap();
      for (int i = 0; i < 400; i++) {
        if (i % 7 != 0 && PayloadMatcher.matches(f, PointId.of(i), payloads.get(i))) {
          expected.add(i);
        }
      }
      assertThat(FilterEvaluator.evaluate(f, indexed)).as("indexed %s", f).isEqualTo(expected);
      assertThat(FilterEvaluator.evaluate(f, plain)).as("scanned %s", f).isEqualTo(expected);
    }
  }

  @Test
  void dottedKeysAndArraysMatchAnyElement() {
    Map<String, Object> p = Map.of(
        "meta", Map.of("tags", List.of("a", "b"), "authors", List.of(Map.of("name", "x"), Map.of("name", "y"))),
        "empty", List.of());
    assertThat(PayloadMatcher.matches(new Filter.Match("meta.tags", "b"), null, p)).isTrue();
    assertThat(PayloadMatcher.matches(new Filter.Match("meta.authors.name", "y"), null, p)).isTrue();
    assertThat(PayloadMatcher.matches(new Filter.Match("meta.authors.name", "z"), null, p)).isFalse();
    assertThat(PayloadMatcher.matches(new Filter.IsNull("empty"), null, p)).isTrue();
    assertThat(PayloadMatcher.matches(new Filter.IsNull("missing"), null, p)).isTrue();
    assertThat(PayloadMatcher.matches(new Filter.IsNull("meta.tags"), null, p)).isFalse();
  }

  private static Map<String, Object> randomPayload(Random r) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (r.nextInt(10) > 0) {
      p.put("color", r.nextBoolean() ? COLORS[r.nextInt(4)] : List.of(COLORS[r.nextInt(4)], COLORS[r.nextInt(4)]));
    }
    if (r.nextInt(10) > 0) {
      p.put("n", (long) r.nextInt(20) - 5);
    }
    if (r.nextInt(10) > 0) {
      p.put("price", r.nextBoolean() ? (Object) (r.nextInt(100) / 4.0) : (Object) (long) r.nextInt(25));
    }
    if (r.nextInt(10) > 0) {
      p.put("ok", r.nextBoolean());
    }
    if (r.nextInt(10) > 0) {
      p.put("at", Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1000)).toString());
    }
    return p;
  }

  private static Filter randomFilter(Random r, int depth) {
    int kind = r.nextInt(depth > 0 ? 9 : 8);
    return switch (kind) {
      case 0 -> new Filter.Match("color", COLORS[r.nextInt(4)]);
      case 1 -> new Filter.In("color", List.of(COLORS[r.nextInt(4)], COLORS[r.nextInt(4)]));
      case 2 -> new Filter.Match("n", (long) r.nextInt(20) - 5);
      case 3 -> new Filter.Range("price", r.nextBoolean() ? null : r.nextInt(25) * 1.0, r.nextBoolean() ? null : r.nextInt(25) * 1.0,
          r.nextBoolean() ? null : r.nextInt(25) * 1.0, 30.0);
      case 4 -> new Filter.Match("ok", r.nextBoolean());
      case 5 -> new Filter.DatetimeRange("at", null, Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1000)),
          r.nextBoolean() ? null : Instant.ofEpochSecond(1_700_000_500L + r.nextInt(500)), null);
      case 6 -> new Filter.IsNull(r.nextBoolean() ? "color" : "n");
      // Set.copyOf: the two random ids may be equal, which Set.of refuses.
      case 7 -> new Filter.HasId(Set.copyOf(List.of(PointId.of(r.nextInt(400)), PointId.of(r.nextInt(400)), PointId.of(9999))));
      default -> new Filter.Bool(
          List.of(randomFilter(r, depth - 1)),
          r.nextBoolean() ? List.of(randomFilter(r, depth - 1), randomFilter(r, depth - 1)) : List.of(),
          r.nextBoolean() ? List.of(randomFilter(r, depth - 1)) : List.of());
    };
  }
}
