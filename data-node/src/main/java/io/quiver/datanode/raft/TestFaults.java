package io.quiver.datanode.raft;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliberate bugs, for proving that the fault harness in {@code integration-tests/} catches them.
 * Off unless the JVM runs with {@code -Dquiver.test-faults=<fault>[,<fault>...]}; never set in
 * production. Read once at class load, so a node's faults are fixed for its life.
 *
 * <ul>
 *   <li>{@code ack-before-commit}: a write is acknowledged as soon as the leader submitted it
 *       to Raft, before it commits (a leader crash then loses acknowledged writes);
 *   <li>{@code no-dedup}: applied request ids are not remembered (a late duplicate applies again);
 *   <li>{@code ignore-session-token}: a SESSION read is served at whatever this replica applied;
 *   <li>{@code corrupt-apply}: this replica stores a changed payload for every upserted point
 *       (a divergent replica that only digests reveal).
 * </ul>
 */
public final class TestFaults {
  private static final Logger log = LoggerFactory.getLogger(TestFaults.class);

  /** The system property that switches faults on. */
  public static final String PROPERTY = "quiver.test-faults";

  static final boolean ACK_BEFORE_COMMIT;
  static final boolean NO_DEDUP;
  static final boolean IGNORE_SESSION_TOKEN;
  static final boolean CORRUPT_APPLY;

  static {
    Set<String> on = Arrays.stream(System.getProperty(PROPERTY, "").split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    Set<String> known = Set.of("ack-before-commit", "no-dedup", "ignore-session-token", "corrupt-apply");
    for (String f : on) {
      if (!known.contains(f)) {
        throw new IllegalArgumentException(PROPERTY + " names an unknown fault '" + f + "'; known: " + known);
      }
    }
    ACK_BEFORE_COMMIT = on.contains("ack-before-commit");
    NO_DEDUP = on.contains("no-dedup");
    IGNORE_SESSION_TOKEN = on.contains("ignore-session-token");
    CORRUPT_APPLY = on.contains("corrupt-apply");
    if (!on.isEmpty()) {
      log.warn("TEST FAULTS ON: {} -- this node breaks Quiver's guarantees on purpose", on);
    }
  }

  private TestFaults() {}
}
