package org.jckpool.stratifier.vardiff;

/**
 * Pool-wide difficulty limits. {@code maxDiff} 0 means no maximum. Fractional values are allowed.
 *
 * @param minDiff   lowest difficulty vardiff may choose (ckpool {@code mindiff})
 * @param startDiff difficulty of a new connection before any share (ckpool {@code startdiff})
 * @param maxDiff   highest difficulty, 0 = none (ckpool {@code maxdiff})
 */
public record VardiffConfig(double minDiff, double startDiff, double maxDiff) {
    public VardiffConfig {
        if (!(minDiff > 0) || !(startDiff > 0) || maxDiff < 0 || Double.isNaN(maxDiff)) {
            throw new IllegalArgumentException("difficulties must be positive (maxdiff may be 0): mindiff="
                    + minDiff + " startdiff=" + startDiff + " maxdiff=" + maxDiff);
        }
    }

    /** ckpool's high-difficulty port rule: start and minimum difficulty both become {@code highDiff}. */
    public VardiffConfig forHighDiffPort(double highDiff) {
        return new VardiffConfig(Math.max(minDiff, highDiff), Math.max(startDiff, highDiff), maxDiff);
    }
}
