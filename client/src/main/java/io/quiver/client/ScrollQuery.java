package io.quiver.client;

import io.quiver.client.filter.FilterParser;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.wire.WireFilters;
import io.quiver.common.wire.WireValues;
import io.quiver.proto.v1.ScrollRequest;
import io.quiver.proto.v1.WithPayload;
import java.util.Objects;

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
  public static final class Builder {
    private final String collection;
    private final ScrollRequest.Builder request = ScrollRequest.newBuilder();
    private ReadLevel readLevel;

    private Builder(String collection) {
      this.collection = Objects.requireNonNull(collection, "collection");
      request.setCollection(collection).setLimit(100).setWithPayload(WithPayload.newBuilder().setEnable(true));
    }

    /** Page size, 1..10,000. */
    public Builder limit(int limit) {
      request.setLimit(limit);
      return this;
    }

    public Builder filter(Filter filter) {
      if (filter == null) {
        request.clearFilter();
      } else {
        request.setFilter(WireFilters.toProto(filter));
      }
      return this;
    }

    public Builder filter(String filter) {
      return filter(filter == null || filter.isBlank() ? null : FilterParser.parse(filter));
    }

    /** Start after this id (exclusive). */
    public Builder offset(PointId offset) {
      request.setOffset(WireValues.toProto(offset));
      return this;
    }

    public Builder withPayload(boolean withPayload) {
      request.setWithPayload(WithPayload.newBuilder().setEnable(withPayload));
      return this;
    }

    public Builder withVector(boolean withVector) {
      request.setWithVector(withVector);
      return this;
    }

    public Builder readLevel(ReadLevel level) {
      this.readLevel = level;
      return this;
    }

    public ScrollQuery build() {
      return new ScrollQuery(collection, request.build(), readLevel);
    }
  }
}
