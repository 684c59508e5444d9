package io.quiver.datanode.raft;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.ShardId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;

/**
 * Membership changes of shard groups, sent to the local division, which must be the leader
 * (else NOT_LEADER). Every configuration change is compare-and-set against the configuration
 * the caller expects, so a caller acting on a stale view changes nothing (FAILED_PRECONDITION).
 * The new member must already have its replica ({@link ShardGroups#ensureReplica}, as a listener).
 * The future completes when the leader has committed the change; roles flip shortly after.
 */
public final class ShardMembership {
  private final ShardGroups groups;

  ShardMembership(ShardGroups groups) {
    this.groups = groups;
  }

  /** Replaces {@code expected} with {@code target}, if the group's configuration is still {@code expected}. */
  public CompletableFuture<Void> setConfiguration(ShardId shard, GroupConfiguration expected, GroupConfiguration target,
      Duration timeout) {
    RaftServer.Division d;
    try {
      d = groups.requireDivision(shard);
    } catch (QuiverException e) {
      return CompletableFuture.failedFuture(e);
    }
    var args = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInCurrentConf(peers(expected.voters(), RaftPeerRole.FOLLOWER))
        .setListenersInCurrentConf(peers(expected.listeners(), RaftPeerRole.LISTENER))
        .setServersInNewConf(peers(target.voters(), RaftPeerRole.FOLLOWER))
        .setListenersInNewConf(peers(target.listeners(), RaftPeerRole.LISTENER))
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
        .build();
    var request = new SetConfigurationRequest(groups.clientId(), groups.selfId(), d.getMemberId().getGroupId(),
        groups.nextCallId(), args);
    try {
      return groups.server().setConfigurationAsync(request)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .thenApply(reply -> check(shard, "set configuration " + target, reply));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": set configuration failed", e));
    }
  }

  /** Adds {@code learner} as a non-voting listener that receives the log (or a snapshot). */
  public CompletableFuture<Void> addLearner(ShardId shard, ShardPeer learner, Duration timeout) {
    GroupConfiguration now = groups.configuration(shard);
    List<ShardPeer> listeners = new ArrayList<>(now.listeners());
    listeners.removeIf(p -> p.peerId().equals(learner.peerId()));
    listeners.add(learner);
    return setConfiguration(shard, now, new GroupConfiguration(now.voters(), listeners), timeout);
  }

  /** Makes listener {@code peerId} a voter. */
  public CompletableFuture<Void> promote(ShardId shard, String peerId, Duration timeout) {
    GroupConfiguration now = groups.configuration(shard);
    ShardPeer peer = now.listeners().stream().filter(p -> p.peerId().equals(peerId)).findFirst().orElse(null);
    if (peer == null) {
      return CompletableFuture.failedFuture(new QuiverException(ErrorCode.FAILED_PRECONDITION,
          "shard " + shard + ": " + peerId + " is not a listener of the group " + now));
    }
    List<ShardPeer> voters = new ArrayList<>(now.voters());
    voters.add(peer);
    List<ShardPeer> listeners = new ArrayList<>(now.listeners());
    listeners.remove(peer);
    return setConfiguration(shard, now, new GroupConfiguration(voters, listeners), timeout);
  }

  /** Removes {@code peerId} (voter or listener) from the group; its replica is then removed on its node. */
  public CompletableFuture<Void> remove(ShardId shard, String peerId, Duration timeout) {
    GroupConfiguration now = groups.configuration(shard);
    List<ShardPeer> voters = new ArrayList<>(now.voters());
    List<ShardPeer> listeners = new ArrayList<>(now.listeners());
    voters.removeIf(p -> p.peerId().equals(peerId));
    listeners.removeIf(p -> p.peerId().equals(peerId));
    return setConfiguration(shard, now, new GroupConfiguration(voters, listeners), timeout);
  }

  /** Asks the leader to hand leadership to voter {@code peerId}. */
  public CompletableFuture<Void> transferLeadership(ShardId shard, String peerId, Duration timeout) {
    RaftServer.Division d;
    try {
      d = groups.requireDivision(shard);
    } catch (QuiverException e) {
      return CompletableFuture.failedFuture(e);
    }
    var request = new TransferLeadershipRequest(groups.clientId(), groups.selfId(), d.getMemberId().getGroupId(),
        groups.nextCallId(), RaftPeerId.valueOf(peerId), timeout.toMillis());
    try {
      return groups.server().transferLeadershipAsync(request)
          .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .thenApply(reply -> check(shard, "transfer leadership to " + peerId, reply));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": transfer leadership failed", e));
    }
  }

  private static List<RaftPeer> peers(List<ShardPeer> peers, RaftPeerRole role) {
    return peers.stream().map(p -> ShardGroups.raftPeer(p, role)).toList();
  }

  private static Void check(ShardId shard, String what, RaftClientReply reply) {
    if (reply.isSuccess()) {
      return null;
    }
    if (reply.getNotLeaderException() != null) {
      throw new QuiverException(ErrorCode.NOT_LEADER, "shard " + shard + ": " + what + ": not the leader", reply.getException());
    }
    if (reply.getException() instanceof org.apache.ratis.protocol.exceptions.SetConfigurationException e) {
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "shard " + shard + ": " + what + ": " + e.getMessage(), e);
    }
    throw new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": " + what + " failed: " + reply.getException(),
        reply.getException());
  }
}
