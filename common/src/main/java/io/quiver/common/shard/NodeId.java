package io.quiver.common.shard;

/** A node's stable name (in Kubernetes, the StatefulSet pod name). */
public record NodeId(String value) implements Comparable<NodeId> {
  public NodeId {
    if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException(
          "node id '" + value + "' must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
  }

  @Override
  public int compareTo(NodeId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
