package org.jckpool.stratifier.stats;

import java.util.Map;
import java.util.TreeMap;

/**
 * Share bookkeeping for one pool, user or worker: decaying rates, totals, rejects by reason, best shares.
 * All methods synchronise on the tally; each call is short.
 */
public class ShareTally {
    private final DecayingRates rates;
    private double acceptedDiff;
    private long acceptedCount;
    private double rejectedDiff;
    private long rejectedCount;
    private final Map<String, Long> rejectsByReason = new TreeMap<>();
    private double bestShare;
    private double bestEver;
    private long lastShareMillis;

    public ShareTally(long nowMillis) {
        rates = new DecayingRates(nowMillis);
    }

    public synchronized void accepted(double diff, double shareDiff, long nowMillis) {
        acceptedDiff += diff;
        acceptedCount++;
        rates.add(diff, nowMillis);
        lastShareMillis = nowMillis;
        best(shareDiff);
    }

    public synchronized void rejected(double diff, String reason, long nowMillis) {
        rejectedDiff += diff;
        rejectedCount++;
        rejectsByReason.merge(reason, 1L, Long::sum);
    }

    public synchronized void best(double shareDiff) {
        if (shareDiff > bestShare) {
            bestShare = shareDiff;
        }
        if (shareDiff > bestEver) {
            bestEver = shareDiff;
        }
    }

    /** Decays the averages with no new shares (for idle entities, on the stats tick). */
    public synchronized void decay(long nowMillis) {
        rates.add(0, nowMillis);
    }

    public synchronized double hashrate(RateWindow w, long nowMillis, boolean biasCorrect) {
        return rates.hashrate(w, nowMillis, biasCorrect);
    }

    public synchronized double dsps(RateWindow w) {
        return rates.dsps(w);
    }

    /** Restores values read back from a status file. */
    public synchronized void restore(Map<RateWindow, Double> dsps, double acceptedDiff, double bestShare,
                                     double bestEver, long lastShareMillis, long savedAtMillis, long nowMillis) {
        dsps.forEach(rates::set);
        // Stats that were not updated for a while lose what they would have lost had we been running.
        rates.setLastDecayMillis(Math.min(savedAtMillis, nowMillis));
        if (nowMillis - savedAtMillis > 60_000) {
            rates.add(0, nowMillis);
        } else {
            rates.setLastDecayMillis(nowMillis);
        }
        this.acceptedDiff = acceptedDiff;
        this.bestShare = bestShare;
        this.bestEver = Math.max(bestEver, bestShare);
        this.lastShareMillis = lastShareMillis;
    }

    /** Moves the start of the averages back (a restored pool runtime), for bias correction. */
    protected synchronized void restoreStart(long startMillis) {
        rates.setStartMillis(startMillis);
    }

    public synchronized double acceptedDiff() {
        return acceptedDiff;
    }

    public synchronized long acceptedCount() {
        return acceptedCount;
    }

    public synchronized double rejectedDiff() {
        return rejectedDiff;
    }

    public synchronized long rejectedCount() {
        return rejectedCount;
    }

    public synchronized Map<String, Long> rejectsByReason() {
        return new TreeMap<>(rejectsByReason);
    }

    public synchronized double bestShare() {
        return bestShare;
    }

    public synchronized double bestEver() {
        return bestEver;
    }

    public synchronized long lastShareMillis() {
        return lastShareMillis;
    }
}
