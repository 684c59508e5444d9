/**
 * The REST/JSON API on the query node's HTTP port: the gRPC API's messages as proto3 JSON, the
 * same validation and errors (an {@code ErrorCode}'s HTTP status with a JSON body naming it).
 */
package io.quiver.querynode.rest;
