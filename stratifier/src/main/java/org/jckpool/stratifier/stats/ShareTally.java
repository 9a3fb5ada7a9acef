package org.jckpool.stratifier.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Share bookkeeping for one pool, user or worker: decaying rates, totals, rejects by reason, best shares.
 *
 * <p>The share path ({@link #accepted}) takes no lock: it adds to striped adders and raises the best share with a
 * CAS. Like ckpool's "unaccounted" shares, the pending difficulty is folded into the decaying averages by
 * {@link #fold} (the engine tick) and before any read, so many connections of one user, or the whole pool, never
 * queue behind one monitor. Everything else synchronises on the tally.
 */
public class ShareTally {
    private final DecayingRates rates;
    private final DoubleAdder pendingDiff = new DoubleAdder();
    private final LongAdder pendingCount = new LongAdder();
    private final AtomicLong bestShareBits = new AtomicLong();
    private final AtomicLong bestEverBits = new AtomicLong();
    private volatile long lastShareMillis;
    private double acceptedDiff;
    private long acceptedCount;
    private double rejectedDiff;
    private long rejectedCount;
    /** Refused shares per reason; a mutable count, so that a refused share allocates nothing here. */
    private final Map<String, long[]> rejectsByReason = new HashMap<>();

    public ShareTally(long nowMillis) {
        rates = new DecayingRates(nowMillis);
    }

    /** An accepted share of difficulty {@code diff} whose hash reached {@code shareDiff}. Lock-free. */
    public void accepted(double diff, double shareDiff, long nowMillis) {
        pendingDiff.add(diff);
        pendingCount.increment();
        if (nowMillis > lastShareMillis) {
            lastShareMillis = nowMillis;
        }
        best(shareDiff);
    }

    public synchronized void rejected(double diff, String reason, long nowMillis) {
        rejectedDiff += diff;
        rejectedCount++;
        rejectsByReason.computeIfAbsent(Objects.requireNonNull(reason, "reason"), r -> new long[1])[0]++;
    }

    /** Raises the best share (and best ever). Lock-free. */
    public void best(double shareDiff) {
        raise(bestShareBits, shareDiff);
        raise(bestEverBits, shareDiff);
    }

    private static void raise(AtomicLong bits, double v) {
        long cur;
        while (v > Double.longBitsToDouble(cur = bits.get())) {
            if (bits.compareAndSet(cur, Double.doubleToRawLongBits(v))) {
                return;
            }
        }
    }

    /** Folds pending shares into the averages as of {@code nowMillis}. */
    public synchronized void fold(long nowMillis) {
        long n = pendingCount.sumThenReset();
        double d = pendingDiff.sumThenReset();
        if (n == 0) {
            return;
        }
        acceptedDiff += d;
        acceptedCount += n;
        long at = Math.max(nowMillis, rates.lastDecayMillis());
        rates.add(d, at);
        onFold(n, at);
    }

    /** Hook for subclasses that count shares (not difficulty) per second. Called holding the tally's lock. */
    protected void onFold(long shares, long nowMillis) {
    }

    private void foldPending() {
        if (pendingCount.sum() > 0) {
            fold(lastShareMillis);
        }
    }

    /** Decays the averages with no new shares (for idle entities, on the stats tick). */
    public synchronized void decay(long nowMillis) {
        foldPending();
        rates.add(0, nowMillis);
    }

    public synchronized double hashrate(RateWindow w, long nowMillis, boolean biasCorrect) {
        foldPending();
        return rates.hashrate(w, nowMillis, biasCorrect);
    }

    public synchronized double dsps(RateWindow w) {
        foldPending();
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
        best(bestShare);
        raise(bestEverBits, bestEver);
        this.lastShareMillis = lastShareMillis;
    }

    /** Moves the start of the averages back (a restored pool runtime), for bias correction. */
    protected synchronized void restoreStart(long startMillis) {
        rates.setStartMillis(startMillis);
    }

    public synchronized double acceptedDiff() {
        return acceptedDiff + pendingDiff.sum();
    }

    public synchronized long acceptedCount() {
        return acceptedCount + pendingCount.sum();
    }

    public synchronized double rejectedDiff() {
        return rejectedDiff;
    }

    public synchronized long rejectedCount() {
        return rejectedCount;
    }

    public synchronized Map<String, Long> rejectsByReason() {
        Map<String, Long> out = new TreeMap<>();
        rejectsByReason.forEach((reason, n) -> out.put(reason, n[0]));
        return out;
    }

    public double bestShare() {
        return Double.longBitsToDouble(bestShareBits.get());
    }

    /** ckpool's resetshares: the best share starts again from zero; the best ever stays. */
    public void resetBestShare() {
        bestShareBits.set(0);
    }

    public double bestEver() {
        return Double.longBitsToDouble(bestEverBits.get());
    }

    public long lastShareMillis() {
        return lastShareMillis;
    }
}
