package io.quiver.coordinator.election;

/** The epoch a leader leads in and the epoch znode version its writes must check. */
public record Fence(long epoch, int epochVersion) {
  public Fence {
    if (epoch < 1 || epochVersion < 0) {
      throw new IllegalArgumentException("fence needs epoch >= 1 and version >= 0 but was " + epoch + "/" + epochVersion);
    }
  }
}
