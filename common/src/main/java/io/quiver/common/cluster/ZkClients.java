package io.quiver.common.cluster;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Opens the Curator client of a role, the same way for every role. */
public final class ZkClients {
  private ZkClients() {}

  /**
   * A started client; waits up to the connection timeout for the first connection.
   *
   * @throws IllegalStateException naming the connect string when ZooKeeper cannot be reached
   */
  public static CuratorFramework start(ZkSettings s) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(s.connect())
            .sessionTimeoutMs(millis(s.sessionTimeout()))
            .connectionTimeoutMs(millis(s.connectionTimeout()))
            .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
            .build();
    client.start();
    try {
      if (!client.blockUntilConnected(millis(s.connectionTimeout()), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        client.close();
        throw new IllegalStateException(
            "cannot reach ZooKeeper at " + s.connect() + " within " + s.connectionTimeout());
      }
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to ZooKeeper at " + s.connect(), e);
    }
    return client;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
