package io.quiver.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.ShardPosition;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

  private static ConsistencyToken token(String uuid, long... genIndexPerShard) {
    ConsistencyToken.Builder b = ConsistencyToken.newBuilder().setCollectionUuid(uuid);
    for (int i = 0; i + 1 < genIndexPerShard.length; i += 2) {
      b.addPositions(
          ShardPosition.newBuilder().setShard(i / 2).setGeneration(genIndexPerShard[i]).setIndex(genIndexPerShard[i + 1]));
    }
    return b.build();
  }

  @Test
  void keepsTheNewestPositionOfEveryShard() {
    SessionTokens t = new SessionTokens();
    t.observe("c", token("u1", 1, 10, 1, 5));
    t.observe("c", token("u1", 1, 7, 1, 9));
    assertThat(t.get("c")).isEqualTo(token("u1", 1, 10, 1, 9));
  }

  @Test
  void aNewerGenerationWinsOverAHigherIndex() {
    SessionTokens t = new SessionTokens();
    t.observe("c", token("u1", 1, 100));
    t.observe("c", token("u1", 2, 3));
    assertThat(t.get("c")).isEqualTo(token("u1", 2, 3));
  }

  @Test
  void aRecreatedCollectionStartsOver() {
    SessionTokens t = new SessionTokens();
    t.observe("c", token("u1", 1, 100));
    t.observe("c", token("u2", 1, 1));
    assertThat(t.get("c")).isEqualTo(token("u2", 1, 1));
    t.forget("c");
    assertThat(t.get("c")).isNull();
  }

  @Test
  void anEmptyTokenChangesNothing() {
    SessionTokens t = new SessionTokens();
    t.observe("c", ConsistencyToken.getDefaultInstance());
    assertThat(t.get("c")).isNull();
  }
}
