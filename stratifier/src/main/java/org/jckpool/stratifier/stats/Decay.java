package org.jckpool.stratifier.stats;

/**
 * ckpool's exponentially decaying averages (libckpool {@code decay_time}, stratifier {@code time_bias}).
 * Values are difficulty-shares per second ("dsps"); multiply by 2^32 for a hashrate.
 */
public final class Decay {
    public static final double MIN1 = 60, MIN5 = 300, MIN15 = 900, HOUR = 3600, HOUR6 = 21600,
            DAY = 86400, WEEK = 604800;
    /** Hashes per difficulty-1 share as ckpool counts them (2^32). */
    public static final double NONCES = 4294967296.0;

    private Decay() {
    }

    /**
     * Folds {@code added} difficulty observed over {@code seconds} into {@code current} with the given window.
     * Same arithmetic as ckpool: the exponent is capped at 36 and tiny results snap to zero.
     */
    public static double decay(double current, double added, double seconds, double interval) {
        if (seconds <= 0) {
            return current;
        }
        double dexp = Math.min(seconds / interval, 36);
        double fprop = 1.0 - 1.0 / Math.exp(dexp);
        double f = (current + added / seconds * fprop) / (1.0 + fprop);
        return f < 2e-16 ? 0 : f;
    }

    /** Correction for an average that has existed for less than a few intervals (ckpool's time_bias). */
    public static double timeBias(double seconds, double interval) {
        double dexp = Math.min(seconds / interval, 36);
        return 1.0 - 1.0 / Math.exp(dexp);
    }

    /** ckpool's sane_tdiff: never less than a millisecond, so clock steps backwards cannot blow up rates. */
    public static double saneSeconds(long endMillis, long startMillis) {
        double t = (endMillis - startMillis) / 1000.0;
        return t < 0.001 ? 0.001 : t;
    }
}
