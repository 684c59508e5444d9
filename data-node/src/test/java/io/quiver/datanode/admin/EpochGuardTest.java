package io.quiver.datanode.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochGuardTest {
  @TempDir Path dir;

  @Test
  void anOlderEpochIsRefusedEvenAfterARestart() {
    EpochGuard g = new EpochGuard(dir);
    g.admit(2);
    g.admit(3);
    g.admit(3);
    assertThatThrownBy(() -> g.admit(2))
        .isInstanceOf(QuiverException.class)
        .satisfies(e -> assertThat(((QuiverException) e).code()).isEqualTo(ErrorCode.STALE_EPOCH))
        .hasMessage("coordinator epoch 2 is older than epoch 3 this node has seen: the sender was deposed");

    EpochGuard restarted = new EpochGuard(dir);
    assertThat(restarted.newest()).isEqualTo(3);
    assertThatThrownBy(() -> restarted.admit(1)).isInstanceOf(QuiverException.class);
    restarted.admit(4);
    assertThat(new EpochGuard(dir).newest()).isEqualTo(4);
  }

  @Test
  void anObservedEpochFencesOutOlderOnesAndCountsTheRefusals() {
    EpochGuard g = new EpochGuard(dir);
    g.admit(1);
    g.observe(3);
    g.observe(2); // an older record changes nothing
    assertThat(g.newest()).isEqualTo(3);
    assertThatThrownBy(() -> g.admit(1)).isInstanceOf(QuiverException.class);
    assertThatThrownBy(() -> g.admit(2)).isInstanceOf(QuiverException.class);
    assertThat(g.refused()).isEqualTo(2);
    assertThat(new EpochGuard(dir).newest()).as("kept across a restart").isEqualTo(3);
  }
}
