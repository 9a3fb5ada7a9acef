package org.jckpool.stratifier.session;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out extranonce1 values unique among live connections of this pool. Values come from a counter that
 * starts at a seed (pass something random or time-based, so that two pool instances rarely overlap) and skip
 * values in use. Synchronised; called on subscribe and disconnect only.
 */
public final class Extranonce1Allocator {
    private final int length;
    private final long mask;
    private long next;
    private final Set<Long> live = new HashSet<>();

    public Extranonce1Allocator(int length, long seed) {
        if (length < 2 || length > 8) {
            throw new IllegalArgumentException("nonce1length " + length + " is outside 2..8");
        }
        this.length = length;
        this.mask = length == 8 ? -1L : (1L << (8 * length)) - 1;
        this.next = seed & mask;
    }

    public int length() {
        return length;
    }

    public synchronized long allocate() {
        if (live.size() >= Math.min(mask, Integer.MAX_VALUE - 1)) {
            throw new IllegalStateException("every extranonce1 value is in use");
        }
        while (live.contains(next)) {
            next = (next + 1) & mask;
        }
        long v = next;
        next = (next + 1) & mask;
        live.add(v);
        return v;
    }

    /** Takes a specific value (session resume); false when another connection holds it. */
    public synchronized boolean claim(long value) {
        return live.add(value & mask);
    }

    public synchronized void release(long value) {
        live.remove(value);
    }

    public synchronized int inUse() {
        return live.size();
    }

    public byte[] bytes(long value) {
        byte[] b = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        return b;
    }
}
