package org.jckpool.ckdb;

/**
 * ckdb's tunables.
 *
 * @param pplnsN        PPLNS window as a multiple of the block's network difficulty
 * @param poolFee       fraction of the block reward kept by the pool, in [0, 1)
 * @param writerQueue   ops buffered in memory before senders are slowed down (covers a database outage)
 * @param autoAddUsers  authorise creates unknown users (a pool where usernames are payout addresses)
 */
public record CkdbConfig(double pplnsN, double poolFee, int writerQueue, boolean autoAddUsers) {

    public static CkdbConfig defaults() {
        return new CkdbConfig(5.0, 0.005, 4_000_000, false);
    }

    public CkdbConfig {
        if (!(pplnsN > 0) || pplnsN > 1000) {
            throw new IllegalArgumentException("pplnsN must be in (0, 1000]: " + pplnsN);
        }
        if (!(poolFee >= 0) || poolFee >= 1) {
            throw new IllegalArgumentException("poolFee must be in [0, 1): " + poolFee);
        }
        if (writerQueue < 1000) {
            throw new IllegalArgumentException("writerQueue must be at least 1000: " + writerQueue);
        }
    }
}
