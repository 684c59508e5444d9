/**
 * Operation histories of a workload run under faults (invoke, outcome, times, what each read saw)
 * and the checker that judges them: lost writes, resurrected deletes, stale STRONG and SESSION
 * reads, partial batches.
 */
package io.quiver.it.history;
