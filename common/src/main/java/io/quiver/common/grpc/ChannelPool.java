package io.quiver.common.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/** One channel per peer address, opened on first use and closed with the pool. */
public final class ChannelPool implements AutoCloseable {
  // The map is the only state; ConcurrentHashMap guards it.
  private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** The channel to {@code host:port}. */
  public ManagedChannel channel(String address) {
    return channels.computeIfAbsent(
        address, a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).build());
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdown);
    for (ManagedChannel c : channels.values()) {
      try {
        if (!c.awaitTermination(2, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    channels.clear();
  }
}
