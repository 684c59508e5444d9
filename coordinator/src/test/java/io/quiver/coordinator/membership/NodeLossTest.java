package io.quiver.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lease loss against a real ZooKeeper: the replace-delay clock is recorded there and survives a
 * coordinator failover, a returning node clears it, a mass outage replaces nothing, and a deposed
 * coordinator's record is refused. Time is a hand-moved clock, never a sleep.
 */
class NodeLossTest {
  static final Duration DELAY = Duration.ofMinutes(2);
  final ZkPaths paths = new ZkPaths("/q");
  final AtomicLong now = new AtomicLong(1_000_000);
  final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };
  TestingServer server;
  CuratorFramework zkA;
  CuratorFramework zkB;
  Leadership a;
  Leadership b;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    zkA = client();
    zkB = client();
    a = new Leadership(zkA, paths, "ca");
    a.start("127.0.0.1:1");
    await().atMost(Duration.ofSeconds(20)).until(a::leads);
    for (int i = 1; i <= 4; i++) {
      lease("dn" + i);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    a.close();
    zkB.close();
    zkA.close();
    server.close();
  }

  CuratorFramework client() {
    CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    c.start();
    return c;
  }

  void lease(String id) throws Exception {
    zkA.create().creatingParentsIfNeeded().forPath(paths.node(id),
        ClusterJson.lease(new NodeLease(new NodeId(id), "127.0.0.1:9", 100, "", "inc-" + now.get())));
  }

  void loseLease(String id) throws Exception {
    zkA.delete().forPath(paths.node(id));
  }

  static List<NodeId> placed() {
    return List.of(new NodeId("dn1"), new NodeId("dn2"), new NodeId("dn3"), new NodeId("dn4"));
  }

  @Test
  void aLostNodeIsReplaceableOnlyAfterTheDelayCountedAcrossAFailover() throws Exception {
    NodeLoss loss = new NodeLoss(zkA, paths, clock);
    assertThat(loss.look(a.fence(), placed(), DELAY).lostSince()).isEmpty();

    loseLease("dn2");
    long lostAt = now.get();
    NodeLoss.View v = loss.look(a.fence(), placed(), DELAY);
    assertThat(v.lostSince()).containsEntry(new NodeId("dn2"), lostAt);
    assertThat(v.replaceable()).isEmpty();

    // The leader changes a minute later: the new one keeps the recorded time, not its own.
    now.addAndGet(Duration.ofMinutes(1).toMillis());
    a.close();
    b = new Leadership(zkB, paths, "cb");
    b.start("127.0.0.1:2");
    await().atMost(Duration.ofSeconds(20)).until(b::leads);
    NodeLoss lossB = new NodeLoss(zkB, paths, clock);
    assertThat(lossB.look(b.fence(), placed(), DELAY).lostSince()).containsEntry(new NodeId("dn2"), lostAt);
    assertThat(lossB.look(b.fence(), placed(), DELAY).replaceable()).isEmpty();

    now.addAndGet(Duration.ofMinutes(1).toMillis());
    assertThat(lossB.look(b.fence(), placed(), DELAY).replaceable()).containsExactly(new NodeId("dn2"));
  }

  @Test
  void aNodeBackWithinTheDelayInANewIncarnationClearsItsRecord() throws Exception {
    NodeLoss loss = new NodeLoss(zkA, paths, clock);
    loseLease("dn3");
    assertThat(loss.look(a.fence(), placed(), DELAY).lostSince()).containsKey(new NodeId("dn3"));
    now.addAndGet(Duration.ofSeconds(30).toMillis());
    lease("dn3"); // a restart: new incarnation
    assertThat(loss.look(a.fence(), placed(), DELAY).lostSince()).isEmpty();
    assertThat(zkA.checkExists().forPath(paths.nodeLost("dn3"))).isNull();

    // Lost again later: the clock starts afresh from the new loss.
    now.addAndGet(Duration.ofMinutes(5).toMillis());
    loseLease("dn3");
    assertThat(loss.look(a.fence(), placed(), DELAY).replaceable()).isEmpty();
  }

  @Test
  void nothingIsReplacedWhileMoreThanAThirdOfTheNodesLackLeases() throws Exception {
    NodeLoss loss = new NodeLoss(zkA, paths, clock);
    loseLease("dn1");
    loseLease("dn2");
    loss.look(a.fence(), placed(), DELAY);
    now.addAndGet(DELAY.multipliedBy(10).toMillis());
    NodeLoss.View v = loss.look(a.fence(), placed(), DELAY);
    assertThat(v.massOutage()).isTrue();
    assertThat(v.replaceable()).isEmpty();

    lease("dn2"); // one of four lost: no longer more than a third
    v = loss.look(a.fence(), placed(), DELAY);
    assertThat(v.massOutage()).isFalse();
    assertThat(v.replaceable()).containsExactly(new NodeId("dn1"));
  }

  @Test
  void aDeposedCoordinatorCannotRecordALoss() throws Exception {
    Fence old = a.fence();
    // Another coordinator takes the epoch while this one still holds its old fence.
    b = new Leadership(zkB, paths, "cb");
    b.start("127.0.0.1:2");
    a.close();
    await().atMost(Duration.ofSeconds(20)).until(b::leads);
    loseLease("dn4");
    assertThatThrownBy(() -> new NodeLoss(zkA, paths, clock).look(old, placed(), DELAY))
        .isInstanceOf(QuiverException.class)
        .satisfies(e -> assertThat(((QuiverException) e).code()).isEqualTo(ErrorCode.STALE_EPOCH));
    assertThat(zkA.checkExists().forPath(paths.nodeLost("dn4"))).isNull();
  }
}
