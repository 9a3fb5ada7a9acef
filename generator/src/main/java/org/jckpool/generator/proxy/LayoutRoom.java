package org.jckpool.generator.proxy;

/**
 * The scheduling proxy's extranonce2 room: how many bytes of each upstream's extranonce2 the stratifier shares out
 * among its miners (carved extranonce1 + miner extranonce2). Every upstream's work must leave at least this much;
 * one whose extranonce2 is smaller is incompatible and gets no work.
 *
 * <p>It is fixed once, at start: after every candidate upstream (one that may get work) has subscribed or failed
 * its first attempt, or after {@link #HOLD_MILLIS}, to the smallest extranonce2 size among the subscribed ones
 * that can be proxied at all ({@link #MIN_ROOM} or more). From then on it only grows: when a stratifier reports a
 * larger layout it already fixed (it outlived an earlier generator), the room becomes that, since the stratifier
 * refuses any work with less. Thread-safe.
 */
final class LayoutRoom {
    /** The stratifier needs 2 bytes to carve and 2 for the miners. */
    static final int MIN_ROOM = 4;
    /** How long the first work waits for the upstreams' subscriptions. */
    static final long HOLD_MILLIS = 3_000;

    private final long holdUntil;
    /** 0: not fixed yet. */
    private int room;

    LayoutRoom(long startMillis) {
        this.holdUntil = startMillis + HOLD_MILLIS;
    }

    synchronized int room() {
        return room;
    }

    /**
     * Fixes the room when it can be: {@code sizes[i]} is candidate upstream i's extranonce2 size when it is
     * subscribed, else -1; {@code undecided[i]}: its first connection attempt has not ended. Returns the room
     * (0: not yet fixed, keep holding the work).
     */
    synchronized int fix(int[] sizes, boolean[] undecided, long nowMillis) {
        if (room > 0) {
            return room;
        }
        int smallest = Integer.MAX_VALUE;
        boolean waiting = false;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] >= MIN_ROOM) {
                smallest = Math.min(smallest, sizes[i]);
            } else if (sizes[i] < 0 && undecided[i]) {
                waiting = true;
            }
        }
        if (smallest == Integer.MAX_VALUE || (waiting && nowMillis < holdUntil)) {
            return 0;
        }
        room = smallest;
        return room;
    }

    /**
     * A stratifier's fixed layout ({@code extranonce2Size} bytes): the room becomes it when not fixed yet or
     * smaller. Returns true when the room changed.
     */
    synchronized boolean stratifierLayout(int extranonce2Size) {
        if (extranonce2Size < MIN_ROOM || extranonce2Size <= room) {
            return false;
        }
        room = extranonce2Size;
        return true;
    }

    /** Why an upstream whose extranonce2 is {@code size} bytes cannot get work, or null when it can. */
    synchronized String problem(int size) {
        if (size < MIN_ROOM) {
            return "extranonce2 size " + size + " is too small to proxy (needs " + MIN_ROOM + " or more)";
        }
        if (room > 0 && size < room) {
            return "extranonce2 size " + size + " is smaller than the proxy's layout (" + room + " bytes)";
        }
        return null;
    }
}
