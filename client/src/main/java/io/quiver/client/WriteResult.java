package io.quiver.client;

/** The outcome of a write: points upserted or deleted, and in how many requests it was sent. */
public record WriteResult(long affected, int requests) {}
