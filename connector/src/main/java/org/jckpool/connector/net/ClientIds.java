package org.jckpool.connector.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * 64-bit client ids, never reused within a run. The first id is the start time in milliseconds shifted left by
 * 20 bits, so a later run starts above every id an earlier run could have handed out unless that run created
 * more than a million clients per millisecond it was up. Ids stay positive until the year 2248.
 */
public final class ClientIds {
    private final AtomicLong last;

    public ClientIds() {
        this(System.currentTimeMillis() << 20);
    }

    ClientIds(long seed) {
        this.last = new AtomicLong(seed);
    }

    public long next() {
        return last.incrementAndGet();
    }
}
