package io.quiver.coordinator.election;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often this coordinator acted with an epoch that was no longer current and was refused:
 * by ZooKeeper (a fenced transaction whose epoch check failed) or by a data node (a replica admin
 * request below the newest epoch the node has seen). Nonzero only on a coordinator that was
 * deposed while it worked; exported as {@code quiver_coordinator_stale_epoch_refusals_total}.
 */
public final class FenceRefusals {
  private final AtomicLong zookeeper = new AtomicLong();
  private final AtomicLong dataNodes = new AtomicLong();

  public void refusedByZookeeper() {
    zookeeper.incrementAndGet();
  }

  public void refusedByDataNode() {
    dataNodes.incrementAndGet();
  }

  public long byZookeeper() {
    return zookeeper.get();
  }

  public long byDataNodes() {
    return dataNodes.get();
  }
}
