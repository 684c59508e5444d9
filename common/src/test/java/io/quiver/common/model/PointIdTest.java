package io.quiver.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PointIdTest {

  @Test
  void keysRoundTripAndSortLikeIds() {
    long seed = System.nanoTime();
    System.out.println("PointIdTest seed=" + seed);
    Random r = new Random(seed);
    List<PointId> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(i % 2 == 0 ? PointId.of(r.nextLong()) : PointId.of(new UUID(r.nextLong(), r.nextLong())));
    }
    for (PointId id : ids) {
      assertThat(PointId.fromKey(id.toKey())).isEqualTo(id);
      assertThat(PointId.parse(id.toString())).isEqualTo(id);
    }
    for (PointId a : ids) {
      for (PointId b : ids) {
        int byId = Integer.signum(a.compareTo(b));
        int byKey = Integer.signum(java.util.Arrays.compareUnsigned(a.toKey(), b.toKey()));
        assertThat(byKey).as("%s vs %s", a, b).isEqualTo(byId);
      }
    }
  }

  @Test
  void largeUnsignedIdsPrintUnsigned() {
    assertThat(PointId.of(-1L).toString()).isEqualTo("18446744073709551615");
    assertThat(PointId.parse("18446744073709551615")).isEqualTo(PointId.of(-1L));
  }

  @Test
  void badIdsNameTheValue() {
    assertThatThrownBy(() -> PointId.parse("abc")).hasMessageContaining("'abc'");
    assertThatThrownBy(() -> PointId.parse("-5")).hasMessageContaining("'-5'");
    assertThatThrownBy(() -> PointId.parse(" ")).hasMessageContaining("empty");
  }
}
