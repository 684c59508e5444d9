/**
 * The query node's cache of recent identical searches, each entry confirmed against every shard's
 * current index before it is served, so a cached answer is never staler than a fresh one.
 */
package io.quiver.querynode.cache;
