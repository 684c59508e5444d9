package io.quiver.client;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.quiver.client.filter.FilterParser;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.wire.WireFilters;
import io.quiver.proto.v1.WithPayload;
import java.util.Objects;

/**
 * The setters every read request's builder shares (filter, payload and vector in the answer, read
 * level), written once. The search, hybrid and scroll requests are different protobuf messages
 * with no common type, but each has the fields {@code filter}, {@code with_payload} and
 * {@code with_vector}; they are set through the message's descriptor (a missing field fails at
 * the first build, which every builder's test does). {@code B} is the concrete builder, so chained
 * calls keep their type.
 */
abstract class ReadQueryBuilder<B extends ReadQueryBuilder<B>> {
  final String collection;
  ReadLevel readLevel;
  private final Message.Builder request;

  ReadQueryBuilder(String collection, Message.Builder request) {
    this.collection = Objects.requireNonNull(collection, "collection");
    this.request = request;
  }

  private void set(String field, Object value) {
    FieldDescriptor f = request.getDescriptorForType().findFieldByName(field);
    if (value == null) {
      request.clearField(f);
    } else {
      request.setField(f, value);
    }
  }

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /** Only points matching {@code filter} (null: no filter). */
  public B filter(Filter filter) {
    set("filter", filter == null ? null : WireFilters.toProto(filter));
    return self();
  }

  /** A filter in the readable form, e.g. {@code category == "news" and year >= 2020}. */
  public B filter(String filter) {
    return filter(filter == null || filter.isBlank() ? null : FilterParser.parse(filter));
  }

  /** Whether hits carry their payload. */
  public B withPayload(boolean withPayload) {
    set("with_payload", WithPayload.newBuilder().setEnable(withPayload).build());
    return self();
  }

  /** Whether hits carry their vector. */
  public B withVector(boolean withVector) {
    set("with_vector", withVector);
    return self();
  }

  /** The read level of this request (null: the client's default). */
  public B readLevel(ReadLevel level) {
    this.readLevel = level;
    return self();
  }
}
