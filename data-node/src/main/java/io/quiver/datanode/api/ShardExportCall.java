package io.quiver.datanode.api;

import io.quiver.common.grpc.StreamSender;
import io.quiver.datanode.store.LiveSnapshot;
import io.quiver.datanode.store.ShardStore;
import io.quiver.datanode.store.StoredPoint;
import io.quiver.proto.v1.RetrievedPoint;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.internal.ShardExportChunk;
import java.util.function.Consumer;

/**
 * Streams one replica's live points from a {@link LiveSnapshot}, in chunks of about
 * {@link #CHUNK_BYTES}: points in id order with vector, payload and text, every chunk carrying the
 * snapshot's applied index, the last one flagged with the number sent. The snapshot is released
 * when the stream ends, fails or is cancelled. One call's state, confined to its serving thread.
 */
final class ShardExportCall implements Consumer<StoredPoint> {
  /** Points are added to a chunk while it stays under this; gRPC's usual message limit is 4 MiB. */
  static final int CHUNK_BYTES = 1 << 20;

  private static final WithPayload ALL = WithPayload.newBuilder().setEnable(true).build();

  private final StreamSender<ShardExportChunk> out;
  private final long appliedIndex;
  private ShardExportChunk.Builder chunk;
  private int chunkBytes;
  private long sent;

  private ShardExportCall(StreamSender<ShardExportChunk> out, long appliedIndex) {
    this.out = out;
    this.appliedIndex = appliedIndex;
    this.chunk = ShardExportChunk.newBuilder().setAppliedIndex(appliedIndex);
  }

  /** Sends the whole export and completes the stream; returns the number of points sent. */
  static long stream(ShardStore store, StreamSender<ShardExportChunk> out) {
    try (LiveSnapshot snapshot = store.liveSnapshot()) {
      ShardExportCall call = new ShardExportCall(out, snapshot.appliedIndex());
      snapshot.forEach(call);
      out.send(call.chunk.setLast(true).setTotalPoints(call.sent).build());
      out.complete();
      return call.sent;
    }
  }

  @Override
  public void accept(StoredPoint sp) {
    RetrievedPoint p = ShardMessages.retrieved(sp.point(), ALL, true);
    int size = p.getSerializedSize() + 8;
    if (chunk.getPointsCount() > 0 && chunkBytes + size > CHUNK_BYTES) {
      out.send(chunk.build());
      chunk = ShardExportChunk.newBuilder().setAppliedIndex(appliedIndex);
      chunkBytes = 0;
    }
    chunk.addPoints(p);
    chunkBytes += size;
    sent++;
  }
}
