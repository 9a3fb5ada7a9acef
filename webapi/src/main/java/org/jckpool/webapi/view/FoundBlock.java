package org.jckpool.webapi.view;

import java.time.Instant;

/** A block the pool solved: height, hash (RPC hex), when, where it stands, and the worker that found it. */
public record FoundBlock(long height, String hash, Instant time, BlockStatus status, String worker) {
}
