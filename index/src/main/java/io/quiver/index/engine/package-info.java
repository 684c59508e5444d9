/**
 * The shard engine: one shard's points across a growing segment and sealed, indexed segments,
 * with upsert/delete/get/search/scroll/count, background indexing and merging, and snapshots.
 */
package io.quiver.index.engine;
