package io.quiver.datanode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.time.Duration;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {
  @Test
  void defaultsArePinned() {
    RaftSettings d = RaftSettings.DEFAULTS;
    assertThat(d.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(d.maxEntryBytes()).isEqualTo(4 << 20);
    assertThat(d.maxEntryPoints()).isEqualTo(10_000);
    assertThat(d.segmentSizeBytes()).isEqualTo(8L << 20);
    assertThat(d.segmentCacheSegments()).isEqualTo(2);
    assertThat(d.pendingWriteBytes()).isEqualTo(8L << 20);
    assertThat(d.snapshotThresholdEntries()).isEqualTo(10_000);
    assertThat(d.purgeGapEntries()).isEqualTo(1024);
    assertThat(RaftSettings.KEYS).hasSize(RaftSettings.class.getRecordComponents().length)
        .allMatch(k -> k.startsWith("data-node.raft."));
  }

  @Test
  void ratisPropertiesFollowTheSettings() {
    var p = ShardRaftProperties.of(RaftSettings.DEFAULTS, new File("/tmp/x"), 4567);
    assertThat(RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize()).isEqualTo((4 << 20) + (64 << 10));
    assertThat(RaftServerConfigKeys.Log.writeBufferSize(p).getSize()).isGreaterThan((4 << 20) + (64 << 10) + 8);
    assertThat(RaftServerConfigKeys.Log.segmentCacheNumMax(p)).isEqualTo(2);
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p)).isTrue();
    assertThat(RaftServerConfigKeys.Read.option(p)).isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> new RaftSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(3),
        4 << 20, 10, 8 << 20, 2, 8 << 20, 10, 10)).hasMessageContaining("data-node.raft.election-timeout-max");
  }
}
