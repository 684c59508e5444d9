package io.quiver.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports, chosen once so that a restarted process comes back on the same address.
 * A port is never handed out twice by one harness.
 */
final class Ports {
  private final Set<Integer> given = new HashSet<>();

  synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        int p = s.getLocalPort();
        if (given.add(p)) {
          return p;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("no new free port in 100 attempts");
  }
}
