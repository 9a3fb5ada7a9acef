package org.jckpool.testminer.load;

import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.SubmitReply;

/**
 * Counts one selector loop's submit replies and records their latency: measured ones into the run's figures,
 * warm-up ones into counters nobody reads. Warm-up replies take the same steps as measured ones, so the code the
 * measured part runs is compiled before it starts (a warm-up that skipped those steps left the load generator's
 * JIT recompiling during the first measured second). Used only by its selector thread.
 */
final class ReplyLatencies {
    private static final int WARMUP_SAMPLES = 1 << 16;

    private final LoadStats stats;
    private final MinerOutput out;
    private final boolean perSecond;
    private final LoadStats warmupStats = new LoadStats();
    private final LatencyRecorder warmupLatencies = new LatencyRecorder(WARMUP_SAMPLES);
    private final LatencyRecorder thisSecond = new LatencyRecorder();
    private long secondStartNanos;
    private boolean secondMeasured;
    /** Start of the measured part, for the per-second lines' time offsets. */
    private volatile long measureStart;

    final LatencyRecorder latencies;

    ReplyLatencies(LoadStats stats, MinerOutput out, boolean perSecond, int expectedSamples) {
        this.stats = stats;
        this.out = out;
        this.perSecond = perSecond;
        // sized for the measured part up front: doubling a multi-megabyte array mid-run means copying it, and the
        // young collections that follow copy it again
        this.latencies = new LatencyRecorder(expectedSamples);
    }

    void measureFrom(long nanos) {
        measureStart = nanos;
    }

    /** The counters a submit of the measured part, or of the warm-up, goes into. */
    LoadStats statsFor(boolean measured) {
        return measured ? stats : warmupStats;
    }

    /** A submit sent at {@code sentNanos} was answered with {@code o}, read at {@code readNanos}. */
    void answered(long sentNanos, long readNanos, boolean measured, SubmitReply o) {
        stats.outstanding.decrementAndGet();
        LoadStats into = statsFor(measured);
        LatencyRecorder recorder = measured ? latencies : warmupLatencies;
        if (!measured && recorder.count() == WARMUP_SAMPLES) {
            recorder.clear();
        }
        recorder.record(readNanos - sentNanos);
        if (perSecond) {
            recordSecond(readNanos, readNanos - sentNanos, measured);
        }
        into.answered.incrementAndGet();
        into.lastAnswerNanos.accumulateAndGet(readNanos, Math::max);
        if (o.accepted()) {
            into.accepted.incrementAndGet();
        } else {
            into.rejected(o.reason());
        }
    }

    /**
     * Replies answered in each second, printed when a second of the measured part is over. The warm-up's seconds
     * are collected and summed up the same way, unprinted, so that this code too is compiled before it counts.
     */
    private void recordSecond(long now, long latencyNanos, boolean measured) {
        if (measured != secondMeasured) {
            if (!measured) {
                return; // a warm-up reply arriving after the measured part began
            }
            secondMeasured = true;
            thisSecond.clear();
            secondStartNanos = now;
        }
        if (secondStartNanos == 0) {
            secondStartNanos = now;
        }
        if (now - secondStartNanos >= 1_000_000_000L) {
            double p50 = thisSecond.percentileMillis(0.5);
            double p99 = thisSecond.percentileMillis(0.99);
            double max = thisSecond.maxMillis();
            if (measured) {
                out.event("LOAD_LATENCY_SECOND t_s=%.0f ended_epoch_ms=%d n=%d p50=%.3f p99=%.3f max=%.3f",
                        (secondStartNanos - measureStart) / 1e9, System.currentTimeMillis(), thisSecond.count(),
                        p50, p99, max);
            }
            thisSecond.clear();
            secondStartNanos = now;
        }
        thisSecond.record(latencyNanos);
    }
}
