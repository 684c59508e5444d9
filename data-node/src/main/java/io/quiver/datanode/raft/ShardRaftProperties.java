package io.quiver.datanode.raft;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Turns {@link RaftSettings} into Ratis properties; one place that knows Ratis's key names. */
final class ShardRaftProperties {
  private ShardRaftProperties() {}

  static RaftProperties of(RaftSettings s, File storageDir, int port) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(storageDir));
    GrpcConfigKeys.Server.setPort(p, port);

    TimeDuration min = ms(s.electionTimeoutMin().toMillis());
    TimeDuration max = ms(s.electionTimeoutMax().toMillis());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, min);
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, max);
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, min);
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, max);
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms(s.requestTimeout().toMillis()));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

    // One entry is one shard batch: Ratis's entry limit sits just above ours, and the direct
    // write buffer (per replica) just above that, instead of the 4 MB / 8 MB defaults.
    int entryLimit = s.ratisEntryLimitBytes();
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entryLimit + (64 << 10)));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.segmentSizeBytes()));
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(s.segmentSizeBytes(), 1L << 20)));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, s.segmentCacheSegments());
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p,
        SizeInBytes.valueOf(s.segmentCacheSegments() * s.segmentSizeBytes()));
    RaftServerConfigKeys.Log.setQueueByteLimit(p, SizeInBytes.valueOf(s.pendingWriteBytes()));
    RaftServerConfigKeys.Log.setQueueElementLimit(p, 1024);
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(s.pendingWriteBytes()));
    RaftServerConfigKeys.Write.setElementLimit(p, 1024);
    // Ratis otherwise appends a metadata entry (the commit index) after every commit: a second
    // log index, append, replication and fsync per write. Raft's safety never rests on it: the
    // entries themselves are still fsynced before they count, and a restarted replica learns the
    // commit index from its leader (as Raft does without it); the state machine knows its own
    // applied index from RocksDB.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThresholdEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(s.snapshotThresholdEntries(), 1024));
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // No snapshot when a replica stops: exporting the whole column family would slow every stop
    // (and a removal racing the node's close exported from a closed RocksDB: a native crash).
    // The log behind the last snapshot plus RocksDB's applied rows restore the replica anyway.
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, s.purgeGapEntries());
    return p;
  }

  private static TimeDuration ms(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }
}
