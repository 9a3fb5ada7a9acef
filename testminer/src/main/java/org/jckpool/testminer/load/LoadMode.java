package org.jckpool.testminer.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.libpool.stratum.StratumLineParser;
import org.jckpool.testminer.options.TestMinerOptions;
import org.jckpool.testminer.mining.StopSignal;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.PoolAddress;
import org.jckpool.testminer.stratum.SubmitReply;

/**
 * Load mode: N connections on one or a few NIO selector threads. Phases: connect (subscribe + authorize each,
 * until all have a job or --ready-timeout), submit (--duration seconds at --rate submits/s in total), drain
 * (wait up to --drain seconds for outstanding replies), then a summary of LOAD_* lines.
 */
public final class LoadMode {
    private static final double DEFAULT_DURATION_SECONDS = 10;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final StopSignal stop;
    private final LoadStats stats = new LoadStats();
    private final FanOutTracker fanOut = new FanOutTracker();
    private long cpuAtMeasureStart;

    public LoadMode(TestMinerOptions opt, MinerOutput out, StopSignal stop) {
        this.opt = opt;
        this.out = out;
        this.stop = stop;
    }

    public int run() throws InterruptedException {
        PoolAddress pool = PoolAddress.parse(opt.url);
        InetSocketAddress address = new InetSocketAddress(pool.host(), pool.port());
        if (address.isUnresolved()) {
            out.log("cannot resolve %s", pool.host());
            return 1;
        }
        int loopCount = Math.min(opt.selectors, opt.connections);
        List<List<LoadConnection>> split = new ArrayList<>();
        for (int i = 0; i < loopCount; i++) {
            split.add(new ArrayList<>());
        }
        for (int i = 0; i < opt.connections; i++) {
            split.get(i % loopCount).add(new LoadConnection(i, opt.user + ".w" + i));
        }
        ValidShareGrinder grinder = opt.valid ? new ValidShareGrinder(opt.threads) : null;
        List<SelectorLoop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < loopCount; i++) {
                SelectorLoop loop = new SelectorLoop(opt, out, stats, fanOut, address, split.get(i),
                        opt.rate / loopCount, Math.max(1, opt.connectConcurrency / loopCount), grinder);
                loops.add(loop);
                Thread t = new Thread(loop, "testminer-load-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
        } catch (IOException e) {
            out.log("cannot open a selector: %s", e.getMessage());
            return 1;
        }
        double duration = opt.duration > 0 ? opt.duration : DEFAULT_DURATION_SECONDS;
        out.event("START load url %s connections %d rate %s valid %s selectors %d duration_s %s", opt.url,
                opt.connections, MinerOutput.number(opt.rate), opt.valid, loopCount, MinerOutput.number(duration));
        warmLineParsers();
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        long statusEvery = opt.statusInterval > 0 ? (long) (opt.statusInterval * 1e9) : 0;
        long nextStatus = statusEvery > 0 ? t0 + statusEvery : Long.MAX_VALUE;

        // Connect phase.
        long readyDeadline = t0 + (long) (opt.readyTimeout * 1e9);
        while (!stop.stopped() && System.nanoTime() < readyDeadline && !allSettled()) {
            stop.await(POLL_NANOS);
            nextStatus = maybeStatus(nextStatus, statusEvery);
        }
        long readyAt = System.nanoTime();
        long ready = stats.ready.get();
        out.event("LOAD_READY ready=%d of %d after_ms=%.1f", ready, opt.connections, (readyAt - t0) / 1e6);

        // Submit phase: the warm-up (counted nowhere), then the measured part.
        long warmupStart = System.nanoTime();
        long submitStart = warmupStart + (long) (opt.warmupSeconds * 1e9);
        long submitEnd = submitStart + (long) (duration * 1e9);
        boolean submitting = ready > 0 && !stop.stopped();
        if (submitting) {
            processCpuNanos(); // its first call loads the management classes: not at the measured part's start
            for (SelectorLoop loop : loops) {
                loop.startSubmitting(warmupStart, submitStart, submitEnd);
            }
            boolean measuring = false;
            while (!stop.stopped() && System.nanoTime() < submitEnd) {
                if (!measuring && System.nanoTime() >= submitStart) {
                    // Marks for scripts that sample other processes over the measured part (scripts/bench).
                    measuring = true;
                    cpuAtMeasureStart = processCpuNanos();
                    out.event("LOAD_MEASURE_START");
                }
                long next = measuring ? submitEnd : submitStart;
                stop.await(Math.min(POLL_NANOS, Math.max(1, next - System.nanoTime())));
                nextStatus = maybeStatus(nextStatus, statusEvery);
            }
            if (measuring) {
                out.event("LOAD_MEASURE_END cpu_s=%.3f", (processCpuNanos() - cpuAtMeasureStart) / 1e9);
            }
        }
        long submitStop = Math.max(submitStart, Math.min(System.nanoTime(), submitEnd));
        for (SelectorLoop loop : loops) {
            loop.stopSubmitting(submitStop);
        }

        // Drain phase: once every loop has sent its last due submit, wait for the replies.
        long phaseDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (submitting && !loops.stream().allMatch(SelectorLoop::submitPhaseOver)
                && System.nanoTime() < phaseDeadline) {
            Thread.sleep(5);
        }
        long drainDeadline = System.nanoTime() + (long) (opt.drainSeconds * 1e9);
        while (stats.outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }
        long readyAtEnd = stats.ready.get();
        long outstanding = stats.outstanding.get();
        for (SelectorLoop loop : loops) {
            loop.close();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
        if (grinder != null) {
            grinder.shutdown();
        }
        LatencyRecorder latencies = new LatencyRecorder();
        LatencyRecorder connects = new LatencyRecorder();
        for (SelectorLoop loop : loops) {
            latencies.addAll(loop.latencies());
            connects.addAll(loop.connectTimes);
        }
        printSummary(t0, readyAtEnd, outstanding, submitStart, submitStop, latencies, connects);
        if (stop.stopped() && stop.exitCode() != 0) {
            return stop.exitCode();
        }
        return ready > 0 ? 0 : 1;
    }

    /**
     * Runs the reply and notify parsers a few thousand times on made-up lines before connecting, so that the
     * first block's notify to thousands of connections is not read by interpreted code: the fan-out figure is
     * meant to time the pool, not this process's JIT.
     */
    private static void warmLineParsers() {
        String notify = "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f\",\"" + "00".repeat(32)
                + "\",\"01000000\",\"ffffffff\",[\"" + "11".repeat(32) + "\"],\"20000000\",\"1d00ffff\",\"662307b7\",true]}";
        String reply = "{\"id\":12,\"result\":false,\"error\":[23,\"Above target\",null],\"reject-reason\":\"Above target\"}";
        byte[] notifyBytes = notify.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] replyBytes = reply.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StratumLineParser parser = new StratumLineParser(StratumClientSession.MAX_LINE);
        for (int i = 0; i < 20_000; i++) {
            Notify.parse(parser.parse(notifyBytes, 0, notifyBytes.length));
            SubmitReply.of(parser.parse(replyBytes, 0, replyBytes.length));
        }
    }

    /** CPU time of this whole process (all threads), or 0 where the JVM cannot tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }

    /** Every connection is ready, or has failed for good. */
    private boolean allSettled() {
        long done = stats.ready.get() + stats.connectFailed.get() + stats.authFailed.get() + stats.disconnects.get();
        return done >= opt.connections;
    }

    private long maybeStatus(long nextStatus, long every) {
        long now = System.nanoTime();
        if (every <= 0 || now < nextStatus) {
            return nextStatus;
        }
        out.event("LOAD_STATUS connected=%d ready=%d sent=%d answered=%d outstanding=%d accepted=%d rejected=%d",
                stats.connected.get(), stats.ready.get(), stats.sent.get(), stats.answered.get(),
                stats.outstanding.get(), stats.accepted.get(), stats.rejected.get());
        return now + every;
    }

    private void printSummary(long t0, long readyAtEnd, long outstanding, long submitStart, long submitStop,
                              LatencyRecorder latencies, LatencyRecorder connects) {
        long lastReady = stats.lastReadyNanos.get();
        out.event("LOAD_SUMMARY connections=%d connected=%d connect_failed=%d subscribed=%d authorized=%d "
                        + "auth_failed=%d ready_at_end=%d disconnects=%d",
                opt.connections, stats.connected.get(), stats.connectFailed.get(), stats.subscribed.get(),
                stats.authorized.get(), stats.authFailed.get(), readyAtEnd, stats.disconnects.get());
        out.event("LOAD_CONNECT_MS p50=%s p90=%s p99=%s max=%s all_ready_ms=%s",
                ms(connects.percentileMillis(0.5)), ms(connects.percentileMillis(0.9)),
                ms(connects.percentileMillis(0.99)), ms(connects.maxMillis()),
                lastReady == 0 ? "NaN" : ms((lastReady - t0) / 1e6));
        double seconds = Math.max(1e-9, (submitStop - submitStart) / 1e9);
        long lastAnswer = stats.lastAnswerNanos.get();
        double answerSeconds = lastAnswer > submitStart ? (lastAnswer - submitStart) / 1e9 : seconds;
        out.event("LOAD_SUBMITS sent=%d answered=%d unanswered=%d accepted=%d rejected=%d duration_s=%.3f "
                        + "sent_per_s=%.1f answered_per_s=%.1f skipped=%d stray=%d",
                stats.sent.get(), stats.answered.get(), outstanding, stats.accepted.get(), stats.rejected.get(),
                seconds, stats.sent.get() / seconds, stats.answered.get() / Math.max(seconds, answerSeconds),
                stats.noReadyConnection.get(), stats.strayReplies.get());
        out.event("LOAD_LATENCY_MS samples=%d p50=%s p90=%s p99=%s max=%s", latencies.count(),
                ms(latencies.percentileMillis(0.5)), ms(latencies.percentileMillis(0.9)),
                ms(latencies.percentileMillis(0.99)), ms(latencies.maxMillis()));
        Map<String, Long> reasons = stats.rejectReasons();
        if (!reasons.isEmpty()) {
            out.event("LOAD_REJECTS %s", reasons.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
        List<FanOutTracker.Change> changes = fanOut.changes();
        long complete = changes.stream().filter(c -> c.connections() >= readyAtEnd).count();
        List<FanOutTracker.Change> done = changes.stream().filter(c -> c.connections() >= readyAtEnd).toList();
        out.event("LOAD_FANOUT block_changes=%d complete=%d connections=%d min_ms=%s avg_ms=%s max_ms=%s",
                changes.size(), complete, readyAtEnd,
                ms(done.stream().mapToDouble(FanOutTracker.Change::spreadMillis).min().orElse(Double.NaN)),
                ms(done.stream().mapToDouble(FanOutTracker.Change::spreadMillis).average().orElse(Double.NaN)),
                ms(done.stream().mapToDouble(FanOutTracker.Change::spreadMillis).max().orElse(Double.NaN)));
        for (FanOutTracker.Change c : changes) {
            out.event("LOAD_FANOUT_BLOCK prevhash=%s reached=%d of %d spread_ms=%s first_epoch_ms=%d last_epoch_ms=%d",
                    c.prevHash(), c.connections(), readyAtEnd, ms(c.spreadMillis()), fanOut.epochMillis(c.firstNanos()),
                    fanOut.epochMillis(c.lastNanos()));
        }
        out.event("LOAD_ERRORS malformed=%d reconnect_requests=%d grind_failed=%d", stats.malformed.get(),
                stats.reconnectRequests.get(), stats.grindFailed.get());
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
