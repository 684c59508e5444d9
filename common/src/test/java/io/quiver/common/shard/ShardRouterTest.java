package io.quiver.common.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.PointId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShardRouterTest {

  @Test
  void murmurMatchesPublishedVectors() {
    // MurmurHash3_x64_128, seed 0: the first 64 bits (little-endian h1) of well-known inputs.
    assertThat(Murmur3.hash64(new byte[0], 0)).isEqualTo(0L);
    assertThat(Long.toHexString(Murmur3.hash64("hello".getBytes(StandardCharsets.UTF_8), 0)))
        .isEqualTo("cbd8a7b341bd9b02");
  }

  @Test
  void sequentialIdsSpreadEvenlyOverShards() {
    int shards = 8;
    int n = 80_000;
    int[] counts = new int[shards];
    for (long i = 0; i < n; i++) {
      counts[ShardRouter.shardOf(PointId.of(i), shards)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(n / shards * 95 / 100, n / shards * 105 / 100);
    }
  }

  @Test
  void routingIsPinned() {
    // The shard of an id is part of the on-disk contract: a change here strands stored points.
    assertThat(ShardRouter.shardOf(PointId.of(0), 16)).isEqualTo(8);
    assertThat(ShardRouter.shardOf(PointId.of(1), 16)).isEqualTo(15);
    assertThat(ShardRouter.shardOf(PointId.of(42), 16)).isEqualTo(5);
    assertThat(ShardRouter.shardOf(PointId.of(1000), 16)).isEqualTo(1);
    assertThat(ShardRouter.shardOf(PointId.of(-1L), 16)).isZero();
    assertThat(ShardRouter.shardOf(PointId.parse("123e4567-e89b-12d3-a456-426614174000"), 16)).isEqualTo(3);
  }
}
