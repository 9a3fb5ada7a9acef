package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.vardiff.VardiffConfig;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Share-check throughput through the whole engine path (JSON line in → parse → hash → verdict → stats → reply
 * text out). Run: {@code java -cp ... org.jckpool.stratifier.engine.ShareCheckBenchmark [seconds] [threads]
 * [warmupSeconds]}; the JIT needs a few seconds of warm-up on a busy machine.
 * Not a test: prints a figure.
 */
public final class ShareCheckBenchmark {
    public static void main(String[] args) throws Exception {
        org.jckpool.libpool.log.Log.setLevel(org.jckpool.libpool.log.Log.WARNING);
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 5;
        int clientsPerThread = 50;
        InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(Vectors.C_TIME + 10));
        AtomicLong replies = new AtomicLong();
        ClientOutbound out = new ClientOutbound() {
            @Override
            public void send(long clientId, String line) {
                replies.incrementAndGet();
            }

            @Override
            public void broadcast(String line) {
            }

            @Override
            public void drop(long clientId, String reason) {
                throw new IllegalStateException("dropped " + clientId + ": " + reason);
            }
        };
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-10, 1e-10, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.RESOLVER);
        StratumEngine engine = new StratumEngine(cfg, out, s -> SolutionOutcome.SUBMITTED, clock, 1);
        engine.onTemplate(Vectors.templateC());
        String job = engine.currentJob().idHex();
        String worker = Vectors.MAIN_ADDR + ".bench";
        for (int c = 0; c < threads * clientsPerThread; c++) {
            engine.onConnect(c, "127.0.0.1", 0);
            engine.onLine(c, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],{}]}");
            engine.onLine(c, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"bench\"]}");
            engine.onLine(c, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + worker + "\",\"x\"]}");
        }
        long accepted0 = engine.stats().pool().acceptedCount();
        Thread[] ts = new Thread[threads];
        long[] counts = new long[threads];
        long[] cpuNanos = new long[threads];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        long deadline = warmEnd + (long) (seconds * 1e9);
        String prefix = "{\"id\":9,\"method\":\"mining.submit\",\"params\":[\"" + worker + "\",\"" + job + "\",\"";
        for (int t = 0; t < threads; t++) {
            final int ti = t;
            ts[t] = new Thread(() -> {
                long n = 0;
                int nonce = 0;
                long cpu0 = 0;
                long n0 = 0;
                boolean measuring = false;
                while ((n & 1023) != 0 || System.nanoTime() < deadline) {
                    if (!measuring && (n & 1023) == 0 && System.nanoTime() >= warmEnd) {
                        measuring = true;
                        cpu0 = mx.getCurrentThreadCpuTime();
                        n0 = n;
                    }
                    long client = (long) ti * clientsPerThread + (n % clientsPerThread);
                    String en2 = Integer.toHexString(0x10000000 | (int) (n / clientsPerThread));
                    String line = prefix + en2 + "\",\"662307b7\",\"" + Integer.toHexString(0x10000000 | nonce++)
                            + "\",\"00a00000\"]}";
                    engine.onLine(client, line);
                    n++;
                }
                counts[ti] = n - n0;
                cpuNanos[ti] = mx.getCurrentThreadCpuTime() - cpu0;
            });
        }
        long start = warmEnd;
        for (Thread t : ts) {
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double secs = (System.nanoTime() - Math.max(start, 0)) / 1e9;
        long total = 0;
        long cpu = 0;
        for (int t = 0; t < threads; t++) {
            total += counts[t];
            cpu += cpuNanos[t];
        }
        long accepted = engine.stats().pool().acceptedCount() - accepted0;
        System.out.printf("share checks: %d in %.2f s on %d threads = %.0f shares/s (accepted overall %d, replies %d)%n",
                total, secs, threads, total / secs, accepted, replies.get());
 System.out.printf("per CPU-second of the share threads: %.0f shares/s (%.1f µs each; wall figure depends on"
                + " machine load)%n", total / (cpu / 1e9), cpu / 1e3 / total);
        System.out.println("rejects: " + engine.stats().pool().rejectsByReason());
    }
}
