package io.quiver.datanode.raft;

/** A member of a shard's Raft group: its Raft peer id ({@code node@storage}) and Raft address. */
public record ShardPeer(String peerId, String address) {
  public ShardPeer {
    if (peerId == null || peerId.isBlank()) {
      throw new IllegalArgumentException("shard peer id must not be empty");
    }
    if (address == null || !address.matches(".+:\\d{1,5}")) {
      throw new IllegalArgumentException("shard peer " + peerId + " address must be host:port but was " + address);
    }
  }
}
