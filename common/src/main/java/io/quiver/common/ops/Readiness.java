package io.quiver.common.ops;

import java.util.List;

/**
 * Whether a role can do its job now, and if not, every reason why (each a sentence an operator
 * can act on, e.g. "no leading coordinator").
 */
public record Readiness(List<String> problems) {
  public Readiness {
    problems = List.copyOf(problems);
  }

  public boolean ready() {
    return problems.isEmpty();
  }

  /** Collects the failed checks of a role's readiness rule. */
  public static final class Builder {
    private final java.util.ArrayList<String> problems = new java.util.ArrayList<>();

    /** Adds {@code problem} unless {@code ok}. */
    public Builder require(boolean ok, String problem) {
      if (!ok) {
        problems.add(problem);
      }
      return this;
    }

    public Readiness build() {
      return new Readiness(problems);
    }
  }

  public static Builder builder() {
    return new Builder();
  }
}
