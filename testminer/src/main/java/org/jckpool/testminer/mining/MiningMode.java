package org.jckpool.testminer.mining;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jckpool.testminer.options.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;

/** Mining mode: one pool connection, N hashing threads, status lines, stop on duration / max-shares / signal. */
public final class MiningMode {
    private static final long REPLY_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final StopSignal stop;
    private final MinerStats stats = new MinerStats();

    public MiningMode(TestMinerOptions opt, MinerOutput out, StopSignal stop) {
        this.opt = opt;
        this.out = out;
        this.stop = stop;
    }

    /** Runs until stopped; returns the exit code. */
    public int run() throws InterruptedException {
        WorkSource work = new WorkSource();
        MiningSession session = new MiningSession(opt, out, stats, work, stop);
        Thread sessionThread = new Thread(session::run, "testminer-stratum");
        sessionThread.setDaemon(true);

        List<Thread> grinders = new ArrayList<>();
        double perThread = opt.hashrateLimit / opt.threads;
        for (int i = 0; i < opt.threads; i++) {
            Thread t = new Thread(new Grinder(work, session, stats, perThread), "testminer-hash-" + i);
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            grinders.add(t);
        }
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testminer-timer");
            t.setDaemon(true);
            return t;
        });
        out.event("START mining url %s user %s threads %d hashrate_limit %s version_rolling %s", opt.url, opt.user,
                opt.threads, MinerOutput.number(opt.hashrateLimit), opt.versionRolling);
        sessionThread.start();
        grinders.forEach(Thread::start);
        if (opt.statusInterval > 0) {
            long periodMs = Math.max(100, (long) (opt.statusInterval * 1000));
            timers.scheduleAtFixedRate(() -> printStatus(session), periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
        if (opt.duration > 0) {
            timers.schedule(() -> stop.stop("duration " + MinerOutput.number(opt.duration) + " s reached", 0),
                    (long) (opt.duration * 1000), TimeUnit.MILLISECONDS);
        }
        try {
            stop.await();
        } finally {
            out.event("STOP %s", stop.reason());
            work.stop();
            for (Thread t : grinders) {
                t.join(1000);
            }
            session.awaitSubmitReplies(REPLY_DRAIN_NANOS);
            session.shutdown();
            sessionThread.join(2000);
            timers.shutdownNow();
            printSummary();
        }
        return stop.exitCode();
    }

    public MinerStats stats() {
        return stats;
    }

    private void printStatus(MiningSession session) {
        double rate = stats.windowHashrate();
        out.event("STATUS hashrate=%s hashrate_hs=%.0f accepted=%d rejected=%d stale=%d blocks=%d diff=%s connected=%s",
                human(rate), rate, stats.acceptedCount(), stats.rejectedCount(), stats.staleCount(),
                stats.blockCount(), MinerOutput.number(session.currentDifficulty()), session.connected());
    }

    private void printSummary() {
        out.event("SUMMARY accepted=%d rejected=%d stale=%d blocks=%d found=%d submitted=%d hashes=%d elapsed_s=%.3f "
                        + "avg_hashrate_hs=%.0f disconnects=%d malformed=%d",
                stats.acceptedCount(), stats.rejectedCount(), stats.staleCount(), stats.blockCount(),
                stats.foundCount(), stats.submittedCount(), stats.hashes(), stats.elapsedSeconds(),
                stats.averageHashrate(), stats.disconnectCount(), stats.malformedCount());
        Map<String, Long> reasons = stats.rejectReasons();
        if (!reasons.isEmpty()) {
            out.event("SUMMARY_REJECTS %s", reasons.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
    }

    static String human(double hashesPerSecond) {
        String[] units = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s"};
        double v = hashesPerSecond;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f%s", v, units[u]);
    }
}
