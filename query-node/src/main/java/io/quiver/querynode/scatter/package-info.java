/**
 * Scatter-gather for reads: one replica per shard with hedging to another when it is slow, per
 * data-node latency windows and circuit breakers, and a bounded best-first merge of shard lists.
 */
package io.quiver.querynode.scatter;
