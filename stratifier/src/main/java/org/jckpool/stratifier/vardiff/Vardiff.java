package org.jckpool.stratifier.vardiff;

import org.jckpool.stratifier.stats.Decay;

/**
 * Per-connection variable difficulty, following ckpool's rules: a 5-minute decaying estimate of
 * difficulty-shares per second (bias-corrected while young), re-evaluated after 72 shares or 240 s, left alone
 * while shares/s ÷ difficulty stays within 0.15–0.4, otherwise set to 3.33 × the estimate (2.4 × when the miner
 * chose its own minimum). Two additions: fractional difficulties, and a decline path — a miner that has been
 * silent for a minute gets a lower difficulty on a tick without waiting for shares that may never come.
 *
 * <p>Not thread-safe: the owning session synchronises. Times are milliseconds of the engine clock.
 */
public final class Vardiff {
    /** Shares before a re-evaluation (ckpool: as many as 240 s would bring at 0.3/s). */
    public static final int RECHECK_SHARES = 72;
    public static final long RECHECK_MILLIS = 240_000;
    public static final double OPTIMAL_FACTOR = 3.33;
    public static final double SUGGESTED_FACTOR = 2.4;
    public static final double LOW_RATIO = 0.15, HIGH_RATIO = 0.4;
    /** Silence after which the decline path looks at a connection. */
    public static final long DECLINE_AFTER_MILLIS = 60_000;

    private final VardiffConfig config;
    private double diff;
    private double oldDiff;
    private double suggested;
    private double minerMinimum;
    private double dsps5;
    private long lastDecayMillis;
    private long firstShareMillis;
    private long lastShareMillis;
    private long lastChangeMillis;
    private int sharesSinceChange;

    public Vardiff(VardiffConfig config, long nowMillis) {
        this.config = config;
        this.diff = config.startDiff();
        this.oldDiff = diff;
        this.lastChangeMillis = nowMillis;
        this.lastDecayMillis = nowMillis;
    }

    public double diff() {
        return diff;
    }

    public double oldDiff() {
        return oldDiff;
    }

    public double suggested() {
        return suggested;
    }

    /** The floor a miner chose with BIP310 {@code minimum-difficulty} (0 = none). */
    public double minerMinimum() {
        return minerMinimum;
    }

    /**
     * Puts back the difficulty and floors of a session from before a restart; the rate estimate starts afresh
     * (its first shares re-measure it, as for a new connection).
     */
    public void restore(double diff, double suggested, double minerMinimum, long nowMillis) {
        if (diff > 0 && !Double.isInfinite(diff)) {
            this.diff = diff;
            this.oldDiff = diff;
        }
        this.suggested = Math.max(0, suggested);
        this.minerMinimum = Math.max(0, minerMinimum);
        this.lastChangeMillis = nowMillis;
    }

    /** Difficulty-shares per second, 5-minute average (not bias-corrected). */
    public double dsps5() {
        return dsps5;
    }

    /**
     * Records {@code mining.suggest_difficulty} (or BIP310 {@code minimum-difficulty} when {@code asMinimum}):
     * it becomes a floor and, when it differs, the current difficulty at once. Returns the new difficulty,
     * or NaN when unchanged.
     */
    public double suggest(double value, boolean asMinimum, double networkDiff, long nowMillis) {
        if (!(value > 0) || Double.isInfinite(value)) {
            return Double.NaN;
        }
        if (asMinimum) {
            minerMinimum = value;
        } else {
            suggested = value;
        }
        double target = clamp(Math.max(value, config.minDiff()), networkDiff);
        return change(target, nowMillis);
    }

    /** Forgets a suggested floor (ckdb cleared a worker's default difficulty); the current difficulty stays. */
    public void clearSuggested() {
        suggested = 0;
    }

    /**
     * Caps the current difficulty at the network difficulty (new template), never below the pool minimum.
     * Returns the new difficulty or NaN.
     */
    public double capToNetwork(double networkDiff, long nowMillis) {
        double cap = Math.max(networkDiff, config.minDiff());
        if (networkDiff > 0 && diff > cap) {
            return change(cap, nowMillis);
        }
        return Double.NaN;
    }

    /**
     * Accounts one accepted share mined at {@code shareDiff} (the difficulty of its job). Returns the new
     * difficulty when a change is due, else NaN.
     */
    public double onShare(double shareDiff, long nowMillis, double networkDiff) {
        if (firstShareMillis == 0) {
            firstShareMillis = nowMillis;
            lastChangeMillis = nowMillis;
        }
        dsps5 = Decay.decay(dsps5, shareDiff, Decay.saneSeconds(nowMillis, lastDecayMillis), Decay.MIN5);
        lastDecayMillis = nowMillis;
        lastShareMillis = nowMillis;
        sharesSinceChange++;
        double bias = Decay.timeBias(Decay.saneSeconds(nowMillis, firstShareMillis), Decay.MIN5);
        double sinceChange = nowMillis - lastChangeMillis;
        if (sharesSinceChange < RECHECK_SHARES && sinceChange < RECHECK_MILLIS) {
            return Double.NaN;
        }
        if (shareDiff != diff) {
            // Shares still arriving at the previous difficulty say nothing about the current one.
            sharesSinceChange = 0;
            return Double.NaN;
        }
        double dsps = dsps5 / bias;
        double ratio = dsps / diff;
        if (ratio > LOW_RATIO && ratio < HIGH_RATIO) {
            return Double.NaN;
        }
        double optimal;
        if (suggested > 0 || minerMinimum > 0) {
            if (ratio < 0.5) {
                return Double.NaN;
            }
            optimal = dsps * SUGGESTED_FACTOR;
        } else {
            optimal = dsps * OPTIMAL_FACTOR;
        }
        optimal = clamp(round(optimal), networkDiff);
        if (optimal == diff) {
            return Double.NaN;
        }
        if (optimal < diff && sharesSinceChange == 1) {
            // First share after a long pause: restart the measurement rather than dropping at once.
            lastChangeMillis = nowMillis;
            return Double.NaN;
        }
        return change(optimal, nowMillis);
    }

    /**
     * The decline path, called from the engine tick: after a minute with no share (and no change), assume the
     * rate is at most one share of the current difficulty over that silence and aim for 0.3 shares/s at that
     * rate. Returns the new difficulty or NaN.
     */
    public double onTick(long nowMillis, double networkDiff) {
        long quietSince = Math.max(lastShareMillis, lastChangeMillis);
        long silence = nowMillis - quietSince;
        if (silence < DECLINE_AFTER_MILLIS) {
            return Double.NaN;
        }
        double upperRate = diff / (silence / 1000.0);
        double optimal = clamp(round(upperRate * OPTIMAL_FACTOR), networkDiff);
        if (optimal >= diff * 0.5) {
            return Double.NaN;
        }
        // The 5-minute average decays to what the silence implies.
        dsps5 = Decay.decay(dsps5, 0, Decay.saneSeconds(nowMillis, lastDecayMillis), Decay.MIN5);
        lastDecayMillis = nowMillis;
        return change(optimal, nowMillis);
    }

    /**
     * Pool minimum, miner floors, pool maximum and network difficulty applied in ckpool's order, then the pool
     * minimum once more: it is a floor nothing lowers. On a chain easier than {@code mindiff} (regtest, signet,
     * testnet4's 20-minute blocks) a network-target share difficulty would make miners send nearly every hash.
     */
    public double clamp(double optimal, double networkDiff) {
        double d = Math.max(optimal, config.minDiff());
        if (suggested > 0) {
            d = Math.max(d, suggested);
        }
        if (minerMinimum > 0) {
            d = Math.max(d, minerMinimum);
        }
        if (config.maxDiff() > 0) {
            d = Math.min(d, config.maxDiff());
        }
        if (networkDiff > 0) {
            d = Math.min(d, networkDiff);
        }
        return Math.max(d, config.minDiff());
    }

    /** Difficulties of 1 and more are whole numbers as in ckpool; below 1 three significant digits. */
    public static double round(double d) {
        if (d >= 1) {
            return Math.rint(d);
        }
        if (!(d > 0)) {
            return d;
        }
        double scale = Math.pow(10, 2 - Math.floor(Math.log10(d)));
        return Math.rint(d * scale) / scale;
    }

    private double change(double newDiff, long nowMillis) {
        if (newDiff == diff) {
            return Double.NaN;
        }
        oldDiff = diff;
        diff = newDiff;
        sharesSinceChange = 0;
        lastChangeMillis = nowMillis;
        return newDiff;
    }
}
