package io.quiver.server.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A standalone ZooKeeper inside this JVM, on loopback, keeping its data under a directory so a
 * restarted {@code quiver local} finds its catalog again. Port 0 picks a free port.
 */
final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final int port;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port) {
    this.server = server;
    this.port = port;
  }

  static EmbeddedZooKeeper start(Path dir, int port) {
    int p = port == 0 ? freePort() : port;
    Properties conf = new Properties();
    conf.setProperty("clientPort", String.valueOf(p));
    conf.setProperty("clientPortAddress", "127.0.0.1");
    conf.setProperty("tickTime", "2000");
    conf.setProperty("initLimit", "10");
    conf.setProperty("syncLimit", "5");
    conf.setProperty("admin.enableServer", "false");
    conf.setProperty("maxSessionTimeout", "60000");
    try {
      Files.createDirectories(dir);
      ZooKeeperServerEmbedded zk =
          ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(conf).exitHandler(ExitHandler.LOG_ONLY).build();
      zk.start();
      return new EmbeddedZooKeeper(zk, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start ZooKeeper in " + dir, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start ZooKeeper in " + dir + " on port " + p + ": " + e.getMessage(), e);
    }
  }

  String connectString() {
    return "127.0.0.1:" + port;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port for ZooKeeper", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
