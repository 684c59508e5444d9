/**
 * Fault tests over a process cluster: the crash test of the Raft-shards issue and the nemesis run
 * of the proof-under-faults issue, with the workload that records their histories.
 */
package io.quiver.it.fault;
