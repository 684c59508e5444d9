package io.quiver.bench.writes;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Bare Ratis, the yardstick of ../shared/RATIS.md measured again beside Quiver on the same
 * machine and load: {@code replicas} Ratis servers in this JVM, a state machine that only counts,
 * entries the size of one Quiver batch (100 x 128-d floats, about 52 KB), {@code clients} Ratis
 * clients each waiting for its entry before sending the next, the log fsynced (Ratis's default).
 */
final class BareRatisBenchmark {
  private BareRatisBenchmark() {}

  /** Applies nothing; answers with an empty message. */
  private static final class CountingStateMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  /** @param logMetadata Ratis's default (true) appends a commit-index entry after commits; Quiver turns it off */
  static WriteThroughputBenchmark.Figure run(WriteThroughputBenchmark.Case c, boolean logMetadata, int clients, int batch, int dim,
      int warmup, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("quiver-bare-ratis");
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < c.replicas(); i++) {
      peers.add(RaftPeer.newBuilder().setId("p" + i).setAddress("127.0.0.1:" + freePort()).build());
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
    List<RaftServer> servers = new ArrayList<>();
    List<RaftClient> raftClients = new ArrayList<>();
    try {
      for (RaftPeer p : peers) {
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(dir.resolve(p.getId().toString()).toFile()));
        RaftServerConfigKeys.Log.setLogMetadataEnabled(props, logMetadata);
        GrpcConfigKeys.Server.setPort(props, Integer.parseInt(p.getAddress().substring(p.getAddress().lastIndexOf(':') + 1)));
        RaftServer s = RaftServer.newBuilder().setServerId(p.getId()).setGroup(group).setProperties(props)
            .setStateMachine(new CountingStateMachine()).setOption(RaftStorage.StartupOption.FORMAT).build();
        s.start();
        servers.add(s);
      }
      byte[] payload = new byte[batch * (dim * Float.BYTES + 24)];
      new Random(0).nextBytes(payload);
      Message message = Message.valueOf(ByteString.copyFrom(payload));
      ReplicationLevel level = c.level() == io.quiver.common.model.WriteLevel.ALL
          ? ReplicationLevel.ALL_COMMITTED : ReplicationLevel.MAJORITY;
      for (int t = 0; t < clients; t++) {
        raftClients.add(RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties()).build());
      }
      raftClients.get(0).async().send(message).get(); // waits out the first election
      return ClosedLoop.measure(c, clients, batch, warmup, seconds, t -> {
        RaftClient client = raftClients.get(t);
        return () -> (level == ReplicationLevel.MAJORITY ? client.async().send(message)
            : client.async().send(message, level)).join().isSuccess();
      });
    } finally {
      for (RaftClient rc : raftClients) {
        rc.close();
      }
      for (RaftServer s : servers) {
        s.close();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
