package io.quiver.it.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A ZooKeeper ensemble of one or more members, each its own JVM running ZooKeeper's
 * {@code QuorumPeerMain} (one member runs standalone). Members keep their data directories across
 * kills. The tick is 2 s so sessions of up to 40 s are allowed (the harness raises Quiver's).
 */
public final class ZkEnsemble implements AutoCloseable {
  private final List<ChildJvm> members = new ArrayList<>();
  private final List<Integer> clientPorts = new ArrayList<>();
  /** The address clients reach every member by: loopback, or the bridge when data nodes sit in namespaces. */
  private final String clientHost;

  ZkEnsemble(Path dir, int size, Ports ports, String clientHost) throws IOException {
    this.clientHost = clientHost;
    List<int[]> peerPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      clientPorts.add(ports.next());
      peerPorts.add(new int[] {ports.next(), ports.next()});
    }
    for (int i = 1; i <= size; i++) {
      Path data = Files.createDirectories(dir.resolve("zk" + i));
      Files.writeString(data.resolve("myid"), Integer.toString(i));
      StringBuilder cfg = new StringBuilder()
          .append("tickTime=2000\ninitLimit=15\nsyncLimit=5\n")
          .append("dataDir=").append(data.toAbsolutePath()).append('\n')
          .append("clientPort=").append(clientPorts.get(i - 1)).append('\n')
          .append("clientPortAddress=").append(clientHost).append('\n')
          .append("admin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n")
          .append("maxClientCnxns=200\nminSessionTimeout=4000\nmaxSessionTimeout=40000\n");
      if (size > 1) {
        for (int j = 1; j <= size; j++) {
          int[] p = peerPorts.get(j - 1);
          cfg.append("server.").append(j).append("=127.0.0.1:").append(p[0]).append(':').append(p[1]).append('\n');
        }
      }
      Path file = Files.writeString(data.resolve("zoo.cfg"), cfg.toString());
      members.add(new ChildJvm("zk" + i, dir.resolve("logs/zk" + i + ".log"), "96m",
          List.of("-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true"),
          "org.apache.zookeeper.server.quorum.QuorumPeerMain", List.of(file.toString())));
    }
  }

  public String connectString() {
    return clientPorts.stream().map(p -> clientHost + ":" + p).collect(Collectors.joining(","));
  }

  public int size() {
    return members.size();
  }

  /** Member {@code i}, from 1. */
  public ChildJvm member(int i) {
    return members.get(i - 1);
  }

  void start(Duration timeout) throws IOException, InterruptedException {
    for (ChildJvm m : members) {
      m.start();
    }
    for (int i = 1; i <= members.size(); i++) {
      awaitServing(i, timeout);
    }
  }

  /** Waits until member {@code i} answers {@code srvr} as a leader, follower or standalone server. */
  public void awaitServing(int i, Duration timeout) throws InterruptedException {
    long giveUp = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < giveUp) {
      String mode = fourLetter(clientHost, clientPorts.get(i - 1), "srvr");
      if (mode.contains("Mode: leader") || mode.contains("Mode: follower") || mode.contains("Mode: standalone")) {
        return;
      }
      if (!member(i).isAlive()) {
        throw new IllegalStateException("zk" + i + " exited; log:\n" + member(i).tail(30));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("zk" + i + " not serving within " + timeout + "; log:\n" + member(i).tail(30));
  }

  private static String fourLetter(String host, int port, String cmd) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      s.setSoTimeout(2000);
      s.getOutputStream().write(cmd.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ChildJvm m : members) {
      m.kill();
    }
  }
}
