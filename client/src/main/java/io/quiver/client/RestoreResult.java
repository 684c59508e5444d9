package io.quiver.client;

/**
 * What {@link QuiverClient#restore} did: it created {@code collection} (UUID {@code uuid}) with the
 * snapshot's config, unless {@code resumed} (a restore that stopped part-way, continued into the
 * collection it had created), and upserted {@code points} points from {@code shards} shard files.
 */
public record RestoreResult(String collection, String uuid, long points, int shards, boolean resumed) {}
