package io.quiver.client;

import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.wire.WireValues;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.WithPayload;

/** One page request of a scroll through a collection in id order; limit defaults to 100. */
public final class ScrollQuery {
  private final String collection;
  private final ScrollRequest request;
  private final ReadLevel readLevel;

  private ScrollQuery(String collection, ScrollRequest request, ReadLevel readLevel) {
    this.collection = collection;
    this.request = request;
    this.readLevel = readLevel;
  }

  public static Builder builder(String collection) {
    return new Builder(collection);
  }

  public String collection() {
    return collection;
  }

  public ReadLevel readLevel() {
    return readLevel;
  }

  ScrollRequest.Builder toProto() {
    return request.toBuilder();
  }

  /** The same query starting after {@code offset}: the next page. */
  public ScrollQuery after(PointId offset) {
    return new ScrollQuery(collection, request.toBuilder().setOffset(WireValues.toProto(offset)).build(), readLevel);
  }

  /** Builds a {@link ScrollQuery}; every setter returns the builder. */
  public static final class Builder extends ReadQueryBuilder<Builder> {
    private final ScrollRequest.Builder request;

    private Builder(String collection) {
      this(collection, ScrollRequest.newBuilder());
      request.setCollection(collection).setLimit(100).setWithPayload(WithPayload.newBuilder().setEnable(true));
    }

    private Builder(String collection, ScrollRequest.Builder request) {
      super(collection, request);
      this.request = request;
    }

    /** Page size, 1..10,000. */
    public Builder limit(int limit) {
      request.setLimit(limit);
      return this;
    }

    /** Start after this id (exclusive). */
    public Builder offset(PointId offset) {
      request.setOffset(WireValues.toProto(offset));
      return this;
    }

    public ScrollQuery build() {
      return new ScrollQuery(collection, request.build(), readLevel);
    }
  }
}
