package org.jckpool.testminer.load;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.testminer.stratum.MiningJob;
import org.jckpool.testminer.stratum.StratumRequests;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.HeaderBuilder;
import org.jckpool.testminer.work.ShareTarget;
import org.jckpool.testminer.work.Work;

/**
 * Sends one selector loop's submits at its share of the total rate, round-robin over the connections that have a
 * job: fake submits (well-formed, almost surely above target) written from a reused buffer, or, with a grinder,
 * real shares. Which part of the run a submit belongs to (warm-up or measured) goes by its time slot. Used only
 * by its selector thread, except the phase marks set by the controlling thread.
 */
final class SubmitScheduler {
    private static final long MAX_SELECT_WAIT_MS = 20;

    private final SelectorLoop loop;
    private final List<LoadConnection> conns;
    private final double rate;
    private final ValidShareGrinder grinder;
    private final LoadStats stats;
    private final ReplyLatencies replies;
    /** Fake submits are encoded here and written from here (a direct buffer: no copy inside NIO). */
    private final ByteBuffer submitBuffer = ByteBuffer.allocateDirect(4096);

    private volatile long submitStart;
    /** Submits sent before this are the warm-up: sent and answered, but not counted. */
    private volatile long measureStart;
    private volatile long submitEnd = Long.MAX_VALUE;
    /** Set once every submit due before the end of the submit phase was sent. */
    private volatile boolean submitPhaseOver;
    private long scheduled;
    private int roundRobin;

    SubmitScheduler(SelectorLoop loop, List<LoadConnection> conns, double rate, ValidShareGrinder grinder,
                    LoadStats stats, ReplyLatencies replies) {
        this.loop = loop;
        this.conns = conns;
        this.rate = rate;
        this.grinder = grinder;
        this.stats = stats;
        this.replies = replies;
    }

    void start(long startNanos, long measureNanos, long endNanos) {
        submitEnd = endNanos;
        measureStart = measureNanos;
        submitStart = startNanos;
        replies.measureFrom(measureNanos);
    }

    void stop(long endNanos) {
        submitEnd = Math.min(submitEnd, endNanos);
    }

    boolean phaseOver() {
        return submitPhaseOver;
    }

    long selectWaitMillis() {
        long start = submitStart;
        if (start == 0 || rate <= 0) {
            return MAX_SELECT_WAIT_MS;
        }
        long now = System.nanoTime();
        if (now >= submitEnd) {
            return MAX_SELECT_WAIT_MS;
        }
        long nextDue = start + (long) ((scheduled + 1) * 1e9 / rate);
        if (nextDue <= now) {
            return 0;
        }
        // At least 1 ms: at high rates submitDue sends the submits that fell due meanwhile as one batch.
        long waitMs = (nextDue - now + 999_999) / 1_000_000;
        return Math.max(1, Math.min(MAX_SELECT_WAIT_MS, waitMs));
    }

    void submitDue() {
        long start = submitStart;
        if (start == 0 || submitPhaseOver) {
            return;
        }
        long end = submitEnd;
        long clock = System.nanoTime();
        if (rate <= 0) {
            submitPhaseOver = clock >= end;
            return;
        }
        long now = Math.min(clock, end);
        if (now <= start) {
            return;
        }
        sendDue(start, now);
        if (clock >= end) {
            submitPhaseOver = true;
        }
    }

    private void sendDue(long start, long now) {
        // Submit slots from this one on are measured; which part a submit belongs to goes by its slot, not by
        // when a loop that fell behind got round to sending it.
        long firstMeasured = (long) ((measureStart - start) / 1e9 * rate);
        if (now >= measureStart && scheduled < firstMeasured) {
            scheduled = firstMeasured; // the warm-up's backlog is not sent as a burst into the measured part
        }
        long due = (long) ((now - start) / 1e9 * rate) - scheduled;
        for (long i = 0; i < due; i++) {
            if (grinder != null && grinder.saturated()) {
                // The hashing threads set the pace: drop what they cannot keep up with.
                stats.noReadyConnection.addAndGet(due - i);
                scheduled += due - i;
                return;
            }
            LoadConnection c = nextSubmitter();
            if (c == null) {
                stats.noReadyConnection.addAndGet(due - i);
                scheduled += due - i;
                return;
            }
            boolean measured = scheduled >= firstMeasured;
            scheduled++;
            if (grinder != null) {
                requestValidShare(c, measured);
            } else {
                sendFakeSubmit(c, measured);
            }
        }
    }

    private LoadConnection nextSubmitter() {
        int n = conns.size();
        for (int k = 0; k < n; k++) {
            LoadConnection c = conns.get(roundRobin);
            roundRobin = (roundRobin + 1) % n;
            if (c.canSubmit()) {
                return c;
            }
        }
        return null;
    }

    /** A well-formed submit for the current job whose hash will almost surely be above target. */
    private void sendFakeSubmit(LoadConnection c, boolean measured) {
        long id = c.session.nextId();
        Long vbits = c.versionMask != 0 ? 0L : null;
        byte[] middle = c.submitMiddle();
        if (middle.length + 2 * c.extranonce2Size + FakeSubmitEncoder.FIXED_BYTES > submitBuffer.capacity()) {
            String en2 = Hex.encode(HeaderBuilder.extranonce2(c.extranonce2Counter++, c.extranonce2Size));
            sendSubmit(c, id, StratumRequests.submit(id, c.worker, c.jobId, en2, c.jobNtime, c.nonceCounter++,
                    vbits), measured);
            return;
        }
        submitBuffer.clear();
        FakeSubmitEncoder.put(submitBuffer, id, middle, c.extranonce2Counter++, c.extranonce2Size, c.jobNtime,
                c.nonceCounter++, vbits);
        sendSubmit(c, id, submitBuffer.flip(), measured);
    }

    private void requestValidShare(LoadConnection c, boolean measured) {
        MiningJob job = c.job;
        BigInteger network;
        try {
            network = Target.fromCompact(job.nbits());
        } catch (IllegalArgumentException e) {
            stats.grindFailed.incrementAndGet();
            return;
        }
        Work w = new Work(job, c.extranonce1, c.extranonce2Size, c.versionMask, c.jobDifficulty,
                ShareTarget.ofDifficulty(c.jobDifficulty), network, 0);
        byte[] en2 = HeaderBuilder.extranonce2(c.extranonce2Counter++, c.extranonce2Size);
        grinder.request(w, en2, share -> loop.runOnLoop(() -> sendValidShare(c, share, measured)));
    }

    private void sendValidShare(LoadConnection c, FoundShare share, boolean measured) {
        if (share == null) {
            stats.grindFailed.incrementAndGet();
            return;
        }
        if (!c.open || c.job != share.work().job() || submitPhaseOver) {
            return; // the job moved on while grinding, or the submit phase is over
        }
        long id = c.session.nextId();
        sendSubmit(c, id, StratumRequests.submit(id, c.worker, share.work().job().jobId(), share.extranonce2Hex(),
                share.work().job().ntime(), share.nonce(), share.versionBits()), measured);
    }

    private void sendSubmit(LoadConnection c, long id, String line, boolean measured) {
        sendSubmit(c, id, LoadConnection.lineBytes(line), measured);
    }

    private void sendSubmit(LoadConnection c, long id, ByteBuffer line, boolean measured) {
        c.pendingSubmits.add(id, System.nanoTime(), measured);
        replies.statsFor(measured).sent.incrementAndGet();
        stats.outstanding.incrementAndGet();
        try {
            c.send(line);
        } catch (IOException e) {
            loop.closeConnection(c, "write failed: " + e.getMessage());
        }
    }
}
