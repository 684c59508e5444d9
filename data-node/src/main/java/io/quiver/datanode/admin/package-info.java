/**
 * Replica administration by the leading coordinator: membership changes of shard groups, fenced
 * by the coordinator epoch so a deposed coordinator changes nothing.
 */
package io.quiver.datanode.admin;
