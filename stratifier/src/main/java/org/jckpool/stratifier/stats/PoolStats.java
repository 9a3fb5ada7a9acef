package org.jckpool.stratifier.stats;

/** Pool-wide statistics: the share tally plus a shares-per-second average and connection counts. */
public final class PoolStats extends ShareTally {
    private volatile long startMillis;
    private final DecayingRates sharesPerSecond;

    public PoolStats(long nowMillis) {
        super(nowMillis);
        startMillis = nowMillis;
        sharesPerSecond = new DecayingRates(nowMillis);
    }

    @Override
    protected void onFold(long shares, long nowMillis) {
        sharesPerSecond.add(shares, nowMillis);
    }

    @Override
    public synchronized void decay(long nowMillis) {
        super.decay(nowMillis);
        sharesPerSecond.add(0, nowMillis);
    }

    public synchronized double sps(RateWindow w, long nowMillis) {
        dsps(w); // folds pending shares
        double bias = Decay.timeBias(Decay.saneSeconds(nowMillis, startMillis), w.seconds);
        double v = sharesPerSecond.dsps(w);
        return bias > 0 ? v / bias : v;
    }

    /** Sets the start back by a restored runtime so that young-average bias correction stays right. */
    public void restoreRuntime(long runtimeMillis, long nowMillis) {
        startMillis = Math.min(startMillis, nowMillis - Math.max(0, runtimeMillis));
        restoreStart(startMillis);
        sharesPerSecond.setStartMillis(startMillis);
    }

    public long startMillis() {
        return startMillis;
    }
}
