package io.quiver.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data nodes in network namespaces of their own, so that links between processes on one machine
 * can be cut without iptables. Data node {@code i} runs in namespace {@code quiver-<pid>-dn<i>} as
 * {@code 10.77.S.(10+i)}, joined by a veth pair to a bridge in the root namespace, which is
 * {@code 10.77.S.1}: ZooKeeper, the coordinators, the query nodes and the test itself ({@link #REST}).
 *
 * <p>A link is cut by routing the peer's address, at both ends, through a gateway whose neighbour
 * entry is a MAC address no interface has. Packets leave and vanish, as in a real partition: a
 * connect hangs and an open connection stalls, where a blackhole or prohibit route would fail them
 * at once. Healing deletes the routes, and TCP's retransmissions carry on.
 *
 * <p>Needs root and iproute2 ({@code ip}); {@link #create} fails with the reason otherwise. One
 * instance per JVM at a time; namespaces and bridges left by a JVM that is gone (a killed run) are
 * removed, with any process still inside them, before new ones are made. Thread-safe: every
 * method is synchronized, and {@code cut} (the links now cut) is guarded by {@code this}.
 */
public final class NetworkNamespaces implements AutoCloseable {
  /** The root namespace: ZooKeeper, coordinators, query nodes and the test. */
  public static final int REST = 0;
  private static final Pattern NAMESPACE = Pattern.compile("^(quiver-(\\d+)-dn\\d+)\\b");
  private static final Pattern LINK = Pattern.compile("^\\d+: (qvb?(\\d+)(d\\d+)?)[@:]");
  private static final Pattern SUBNET = Pattern.compile("inet 10\\.77\\.(\\d+)\\.1/24");
  /** The gateway cut links are routed through, and the MAC nothing answers to. */
  private static final int VOID_HOST = 254;
  private static final String VOID_MAC = "02:00:00:00:00:fe";

  private final long pid = ProcessHandle.current().pid();
  private final int nodes;
  private final int subnet;
  private final Set<Link> cut = new LinkedHashSet<>();
  /** Removes the namespaces when the JVM exits without {@link #close()} (a failed start, an aborted run). */
  private final Thread exitHook = new Thread(this::closeQuietly, "netns-cleanup");

  /** An unordered pair of endpoints: {@link #REST} or a data node number. */
  public record Link(int a, int b) {
    public Link {
      if (a == b || a < 0 || b < 0) {
        throw new IllegalArgumentException("a link joins two endpoints: " + a + "-" + b);
      }
      if (a > b) {
        int t = a;
        a = b;
        b = t;
      }
    }

    @Override
    public String toString() {
      return name(a) + "-" + name(b);
    }

    static String name(int endpoint) {
      return endpoint == REST ? "rest" : "dn" + endpoint;
    }
  }

  private NetworkNamespaces(int nodes, int subnet) {
    this.nodes = nodes;
    this.subnet = subnet;
  }

  /**
   * Namespaces for data nodes 1 to {@code nodes} and the bridge joining them to the root namespace.
   *
   * @throws IOException saying why they cannot be made here (not root, no {@code ip}, no namespaces)
   */
  public static synchronized NetworkNamespaces create(int nodes) throws IOException {
    if (!isRoot()) {
      throw new IOException("not root: network namespaces need CAP_NET_ADMIN");
    }
    removeStale();
    NetworkNamespaces n = new NetworkNamespaces(nodes, freeSubnet());
    Runtime.getRuntime().addShutdownHook(n.exitHook);
    try {
      n.build();
    } catch (IOException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private void build() throws IOException {
    removeOwn(); // an earlier cluster of this JVM that was never closed
    ip("link", "add", bridge(), "type", "bridge");
    ip("addr", "add", address(REST) + "/24", "dev", bridge());
    ip("link", "set", bridge(), "up");
    ip("neigh", "replace", voidGateway(), "lladdr", VOID_MAC, "dev", bridge(), "nud", "permanent");
    for (int i = 1; i <= nodes; i++) {
      String ns = namespace(i);
      ip("netns", "add", ns);
      ip("link", "add", veth(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("link", "set", veth(i), "master", bridge(), "up");
      ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "neigh", "replace", voidGateway(), "lladdr", VOID_MAC, "dev", "eth0", "nud", "permanent");
    }
  }

  /** The address of {@link #REST} or of data node {@code endpoint}. */
  public String address(int endpoint) {
    checkEndpoint(endpoint);
    return "10.77." + subnet + "." + (endpoint == REST ? 1 : 10 + endpoint);
  }

  /** The command prefix that runs a program in data node {@code node}'s namespace. */
  public List<String> launcher(int node) {
    checkEndpoint(node);
    return List.of("ip", "netns", "exec", namespace(node));
  }

  /** Cuts the link between two endpoints, both ways. */
  public synchronized void cut(int a, int b) throws IOException {
    Link l = new Link(a, b);
    checkEndpoint(l.b());
    if (cut.add(l)) {
      route("replace", l.a(), l.b());
      route("replace", l.b(), l.a());
    }
  }

  /** Cuts {@code node} off from every other data node and from the rest: a minority of one. */
  public synchronized void isolate(int node) throws IOException {
    for (int other = REST; other <= nodes; other++) {
      if (other != node) {
        cut(node, other);
      }
    }
  }

  /** The links cut now. */
  public synchronized List<Link> cutLinks() {
    return List.copyOf(cut);
  }

  /** Restores every link. */
  public synchronized void healAll() throws IOException {
    for (Link l : List.copyOf(cut)) {
      route("del", l.a(), l.b());
      route("del", l.b(), l.a());
      cut.remove(l);
    }
  }

  /** At {@code from}, sends (or stops sending) what is addressed to {@code to} into the void. */
  private void route(String op, int from, int to) throws IOException {
    List<String> args = new ArrayList<>();
    if (from != REST) {
      args.addAll(List.of("-n", namespace(from)));
    }
    args.addAll(List.of("route", op, address(to) + "/32", "via", voidGateway(), "dev", from == REST ? bridge() : "eth0"));
    ip(args.toArray(String[]::new));
  }

  private void checkEndpoint(int endpoint) {
    if (endpoint < REST || endpoint > nodes) {
      throw new IllegalArgumentException("no such endpoint: " + endpoint + " (rest is " + REST + ", data nodes 1-" + nodes + ")");
    }
  }

  private String voidGateway() {
    return "10.77." + subnet + "." + VOID_HOST;
  }

  private String namespace(int node) {
    return "quiver-" + pid + "-dn" + node;
  }

  /** Interface names have at most 15 characters: "qvb" + a pid of up to 7 digits. */
  private String bridge() {
    return "qvb" + pid;
  }

  private String veth(int node) {
    return "qv" + pid + "d" + node;
  }

  /** Deletes the namespaces (their veth pairs go with them) and the bridge. Processes inside must be gone. */
  @Override
  public synchronized void close() throws IOException {
    cut.clear();
    removeOwn();
    try {
      Runtime.getRuntime().removeShutdownHook(exitHook);
    } catch (IllegalStateException e) {
      // the JVM is exiting: this is the hook running
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      System.err.println("network namespaces of pid " + pid + " not removed: " + e.getMessage());
    }
  }

  private void removeOwn() throws IOException {
    for (String ns : namespaces()) {
      Matcher m = NAMESPACE.matcher(ns);
      if (m.find() && Long.parseLong(m.group(2)) == pid) {
        ip("netns", "del", m.group(1));
      }
    }
    for (String link : links(pid)) {
      removeLink(link);
    }
  }

  /** Namespaces and links of test JVMs that are gone, with the data nodes they left running inside. */
  private static void removeStale() throws IOException {
    for (String line : namespaces()) {
      Matcher m = NAMESPACE.matcher(line);
      if (m.find() && !alive(Long.parseLong(m.group(2)))) {
        for (String p : ip("netns", "pids", m.group(1)).split("\\s+")) {
          if (!p.isBlank()) {
            ProcessHandle.of(Long.parseLong(p.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        ip("netns", "del", m.group(1));
      }
    }
    for (String line : ip("-o", "link", "show").split("\n")) {
      Matcher m = LINK.matcher(line);
      if (m.find() && !alive(Long.parseLong(m.group(2)))) {
        removeLink(m.group(1));
      }
    }
  }

  /** A veth end goes by itself soon after its namespace is deleted: one already gone is fine. */
  private static void removeLink(String name) throws IOException {
    try {
      ip("link", "del", name);
    } catch (IOException e) {
      if (!e.getMessage().contains("Cannot find device")) {
        throw e;
      }
    }
  }

  private static List<String> namespaces() throws IOException {
    return List.of(ip("netns", "list").split("\n"));
  }

  private static List<String> links(long owner) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : ip("-o", "link", "show").split("\n")) {
      Matcher m = LINK.matcher(line);
      if (m.find() && Long.parseLong(m.group(2)) == owner) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The first 10.77.S.0/24 no interface here uses (another engineer's run may hold one). */
  private static int freeSubnet() throws IOException {
    Set<Integer> used = new HashSet<>();
    Matcher m = SUBNET.matcher(ip("-4", "-o", "addr", "show"));
    while (m.find()) {
      used.add(Integer.parseInt(m.group(1)));
    }
    for (int s = 1; s < 255; s++) {
      if (!used.contains(s)) {
        return s;
      }
    }
    throw new IOException("every subnet 10.77.1-254.0/24 is in use");
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false; // not Linux
    }
    return false;
  }

  /** Runs {@code ip args}; its output, or an IOException with its output when it fails. */
  private static String ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run ip (iproute2): " + e.getMessage(), e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
