package org.jckpool.stratifier.stats;

/**
 * Difficulty-shares per second over every {@link RateWindow}, decayed the way ckpool does. Not thread-safe:
 * the owner synchronises.
 */
public final class DecayingRates {
    private static final RateWindow[] WINDOWS = RateWindow.values();
    private final double[] dsps = new double[WINDOWS.length];
    private long lastDecayMillis;
    private long startMillis;

    public DecayingRates(long nowMillis) {
        this.lastDecayMillis = nowMillis;
        this.startMillis = nowMillis;
    }

    /** Adds {@code diff} worth of shares at {@code nowMillis} (diff 0 just decays). */
    public void add(double diff, long nowMillis) {
        double seconds = Decay.saneSeconds(nowMillis, lastDecayMillis);
        for (int i = 0; i < WINDOWS.length; i++) {
            dsps[i] = Decay.decay(dsps[i], diff, seconds, WINDOWS[i].seconds);
        }
        lastDecayMillis = nowMillis;
    }

    public double dsps(RateWindow w) {
        return dsps[w.ordinal()];
    }

    public void set(RateWindow w, double value) {
        dsps[w.ordinal()] = value;
    }

    /** Hashes per second over the window, bias-corrected while the average is younger than its window. */
    public double hashrate(RateWindow w, long nowMillis, boolean biasCorrect) {
        double v = dsps[w.ordinal()] * Decay.NONCES;
        if (biasCorrect) {
            double bias = Decay.timeBias(Decay.saneSeconds(nowMillis, startMillis), w.seconds);
            v = bias > 0 ? v / bias : v;
        }
        return v;
    }

    /** Moves the start used for young-average bias correction (restored runtime). */
    public void setStartMillis(long millis) {
        startMillis = millis;
    }

    /** Moves the decay reference point (used when restoring saved averages). */
    public void setLastDecayMillis(long millis) {
        lastDecayMillis = millis;
    }

    public long lastDecayMillis() {
        return lastDecayMillis;
    }
}
