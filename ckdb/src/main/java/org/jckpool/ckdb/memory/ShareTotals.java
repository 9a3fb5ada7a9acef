package org.jckpool.ckdb.memory;

/** Running share counts of a user, a worker or the pool. */
public final class ShareTotals {
    public double acceptedDiff;
    public long accepted;
    public long rejected;
    public long lastShareMillis;

    public void accept(double diff, long when) {
        acceptedDiff += diff;
        accepted++;
        lastShareMillis = Math.max(lastShareMillis, when);
    }

    public void reject(long when) {
        rejected++;
        lastShareMillis = Math.max(lastShareMillis, when);
    }
}
