package org.jckpool.webapi.view;

import java.time.Instant;

/**
 * What the pool is mining on: the height of the block being built, the network difficulty, and when the
 * current work (block template) arrived, or null before the first one.
 */
public record NetworkInfo(long height, double difficulty, Instant templateTime) {

    public static final NetworkInfo UNKNOWN = new NetworkInfo(0, 0, null);
}
