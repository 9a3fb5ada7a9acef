package org.jckpool.testminer.load;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.NonceScanner;
import org.jckpool.testminer.work.VersionRoller;
import org.jckpool.testminer.work.Work;

/** Load mode with --valid: finds one real share per request on a small pool of hashing threads. */
final class ValidShareGrinder {
    /** Give up on a request after this many hashes (the pool difficulty is too high for load testing). */
    static final long MAX_HASHES_PER_SHARE = 1L << 26;
    private static final int SCAN_BATCH = 1 << 16;

    private final ExecutorService pool;
    private final AtomicInteger backlog = new AtomicInteger();
    private final int maxBacklog;
    private final ThreadLocal<NonceScanner> scanners = ThreadLocal.withInitial(NonceScanner::new);

    ValidShareGrinder(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "testminer-load-hash-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        maxBacklog = threads * 4;
    }

    /** Whether another request would only queue up behind busy threads. */
    boolean saturated() {
        return backlog.get() >= maxBacklog;
    }

    interface Result {
        void found(FoundShare share);
    }

    /** Grinds asynchronously; result receives the share, or null when none was found within the hash budget. */
    void request(Work work, byte[] extranonce2, Result result) {
        backlog.incrementAndGet();
        pool.execute(() -> {
            try {
                result.found(find(work, extranonce2));
            } finally {
                backlog.decrementAndGet();
            }
        });
    }

    private FoundShare find(Work work, byte[] extranonce2) {
        NonceScanner scanner = scanners.get();
        scanner.prepare(work, extranonce2);
        long version = new VersionRoller(work.versionMask()).version(work.job().version(), 0);
        scanner.setVersion(version);
        for (long nonce = 0; nonce < MAX_HASHES_PER_SHARE; nonce += SCAN_BATCH) {
            long hit = scanner.scan(nonce, SCAN_BATCH, work.shareTarget());
            if (hit >= 0) {
                return new FoundShare(work, extranonce2, version, hit, scanner.lastHash());
            }
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
        }
        return null;
    }

    void shutdown() {
        pool.shutdownNow();
    }
}
