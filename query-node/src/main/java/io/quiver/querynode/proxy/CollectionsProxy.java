package io.quiver.querynode.proxy;

import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.ClusterSnapshot;
import io.quiver.common.cluster.ClusterWatcher;
import java.time.Duration;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.CreateCollectionResponse;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DescribeCollectionResponse;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.DropCollectionResponse;
import io.quiver.proto.v1.ListCollectionsRequest;
import io.quiver.proto.v1.ListCollectionsResponse;

/** Collections, forwarded to the leading coordinator. */
public final class CollectionsProxy extends CollectionsGrpc.CollectionsImplBase {
  private static final Logger log = LoggerFactory.getLogger(CollectionsProxy.class);
  /** How long create/drop wait for this node's view to show the change before answering anyway. */
  static final Duration VIEW_CATCH_UP = Duration.ofSeconds(5);

  private final CoordinatorLink link;
  private final ClusterWatcher cluster;

  public CollectionsProxy(CoordinatorLink link, ClusterWatcher cluster) {
    this.link = link;
    this.cluster = cluster;
  }

  /** Answers once this node routes to the new collection, so the caller's next upsert finds it. */
  @Override
  public void create(CreateCollectionRequest req, StreamObserver<CreateCollectionResponse> out) {
    CreateCollectionResponse r = link.call(CollectionsGrpc::newBlockingStub, s -> s.create(req));
    String uuid = r.getCollection().getUuid();
    catchUp(v -> v.collection(req.getName()).map(e -> e.uuid().toString().equals(uuid)).orElse(false)
        && v.placement(req.getName()).isPresent());
    reply(out, r);
  }

  @Override
  public void list(ListCollectionsRequest req, StreamObserver<ListCollectionsResponse> out) {
    reply(out, link.call(CollectionsGrpc::newBlockingStub, s -> s.list(req)));
  }

  @Override
  public void describe(DescribeCollectionRequest req, StreamObserver<DescribeCollectionResponse> out) {
    reply(out, link.call(CollectionsGrpc::newBlockingStub, s -> s.describe(req)));
  }

  @Override
  public void drop(DropCollectionRequest req, StreamObserver<DropCollectionResponse> out) {
    DropCollectionResponse r = link.call(CollectionsGrpc::newBlockingStub, s -> s.drop(req));
    catchUp(v -> v.collection(req.getName()).isEmpty());
    reply(out, r);
  }

  private void catchUp(Predicate<ClusterSnapshot> seen) {
    try {
      cluster.await(seen, VIEW_CATCH_UP);
    } catch (IllegalStateException e) {
      // the change is made; this node's view lags, and later requests will see it
      log.warn("query node view did not show a catalog change within {}", VIEW_CATCH_UP);
    }
  }

  static <T> void reply(StreamObserver<T> out, T message) {
    out.onNext(message);
    out.onCompleted();
  }
}
