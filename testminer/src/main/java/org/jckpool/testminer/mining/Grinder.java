package org.jckpool.testminer.mining;

import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.HashRateLimiter;
import org.jckpool.testminer.work.HeaderBuilder;
import org.jckpool.testminer.work.NonceScanner;
import org.jckpool.testminer.work.VersionRoller;
import org.jckpool.testminer.work.Work;

/**
 * One hashing thread. Per extranonce2 it walks the nonce space in chunks and, inside each chunk, every rolled
 * version the mask allows (so shares carry varied version bits early, like an ASIC spreading versions over its
 * cores). Every (extranonce2, version, nonce) triple is hashed at most once per job.
 */
final class Grinder implements Runnable {
    /** Nonces per (chunk, version) step; small enough that rolled versions show up within a second. */
    static final int CHUNK = 1 << 16;

    private final WorkSource source;
    private final ShareSink sink;
    private final MinerStats stats;
    private final HashRateLimiter limiter;

    Grinder(WorkSource source, ShareSink sink, MinerStats stats, double hashesPerSecond) {
        this.source = source;
        this.sink = sink;
        this.stats = stats;
        this.limiter = new HashRateLimiter(hashesPerSecond);
    }

    @Override
    public void run() {
        NonceScanner scanner = new NonceScanner();
        try {
            boolean idle = true;
            while (!source.stopped()) {
                Work work = source.current();
                if (work == null) {
                    work = source.await();
                    idle = true;
                    if (work == null) {
                        return;
                    }
                }
                if (idle) {
                    limiter.restart();
                    idle = false;
                }
                grind(scanner, work);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Mines one extranonce2 of this work until the work changes or the nonce space is used up. */
    private void grind(NonceScanner scanner, Work work) {
        byte[] en2 = HeaderBuilder.extranonce2(source.nextExtranonce2(), work.extranonce2Size());
        scanner.prepare(work, en2);
        VersionRoller roller = new VersionRoller(work.versionMask());
        long jobVersion = work.job().version();
        for (long chunk = 0; chunk < (1L << 32); chunk += CHUNK) {
            for (int v = 0; v < roller.count(); v++) {
                long version = roller.version(jobVersion, v);
                scanner.setVersion(version);
                long nonce = chunk;
                long end = chunk + CHUNK;
                while (nonce < end) {
                    int batch = (int) Math.min(limiter.batchSize(), end - nonce);
                    long hit = scanner.scan(nonce, batch, work.shareTarget());
                    long done = hit < 0 ? batch : hit - nonce + 1;
                    stats.addHashes(done);
                    if (hit >= 0) {
                        stats.shareFound();
                        sink.onShare(new FoundShare(work, en2, version, hit, scanner.lastHash()));
                    }
                    nonce += done;
                    limiter.pace(done);
                    if (source.current() != work || source.stopped()) {
                        return;
                    }
                }
            }
        }
    }
}
