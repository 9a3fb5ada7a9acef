package org.jckpool.stratifier.stats;

/** The averaging windows ckpool reports, with the key suffix it uses in its status files. */
public enum RateWindow {
    M1(Decay.MIN1, "1m"), M5(Decay.MIN5, "5m"), M15(Decay.MIN15, "15m"), H1(Decay.HOUR, "1hr"),
    H6(Decay.HOUR6, "6hr"), D1(Decay.DAY, "1d"), D7(Decay.WEEK, "7d");

    public final double seconds;
    public final String suffix;

    RateWindow(double seconds, String suffix) {
        this.seconds = seconds;
        this.suffix = suffix;
    }

    public String hashrateKey() {
        return "hashrate" + suffix;
    }
}
