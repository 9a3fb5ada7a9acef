package org.jckpool.stratifier.engine;

import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand. */
public final class ManualClock implements InstantSource {
    private long millis;

    public ManualClock(long millis) {
        this.millis = millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    public void advanceSeconds(double s) {
        millis += Math.round(s * 1000);
    }

    public void set(long millis) {
        this.millis = millis;
    }
}
