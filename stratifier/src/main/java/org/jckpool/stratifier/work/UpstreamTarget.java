package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.Target;

/**
 * The share difficulty of one upstream connection (proxy mode): shared by every work base of that connection, so
 * an upstream {@code mining.set_difficulty} applies to the shares forwarded from then on without new jobs.
 */
public final class UpstreamTarget {
    private volatile double difficulty;
    private volatile byte[] targetLE;

    public UpstreamTarget(double difficulty) {
        set(difficulty);
    }

    public void set(double diff) {
        if (!(diff > 0)) {
            throw new IllegalArgumentException("upstream difficulty " + diff + " is not above 0");
        }
        this.targetLE = WorkBase.littleEndian32(Target.fromDifficulty(diff));
        this.difficulty = diff;
    }

    public double difficulty() {
        return difficulty;
    }

    /** The share target as 32 little-endian bytes. */
    public byte[] targetLE() {
        return targetLE;
    }
}
