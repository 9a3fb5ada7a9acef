package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.ConnectorLink;

import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.stratifier.engine.StratumEngine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stratifier CPU per {@code mining.submit} on the real share path, on one thread as in the process: a LINE frame
 * payload (a fresh byte[] per share, as the stream reader hands it over) → {@link ConnectorLink}'s frame handling →
 * the engine (parse, hash, verdict, stats, the process's metrics observer; see {@link BenchPool}) → the encoded SEND reply frame. No
 * stream is open, so the reply frame is built and then discarded (the stream's queue hand-off is not measured).
 *
 * <p>Run: {@code java -cp ... org.jckpool.stratifier.process.ShareFrameBenchmark [reject|accept] [seconds]
 * [warmupSeconds]}, with the child JVM flags of the listener ({@code -XX:+UseSerialGC -Xss512k -Xms16m
 * -Xmx384m}). Figures: CPU of the share thread per share, and of the whole JVM (GC included), and bytes
 * allocated per share. {@code reject}: every share is above target (the common case under load); {@code accept}:
 * every share is accepted. Run each mode in its own JVM. Not a test: prints a figure.
 */
public final class ShareFrameBenchmark {
    public static void main(String[] args) throws Exception {
        org.jckpool.libpool.log.Log.setLevel(org.jckpool.libpool.log.Log.WARNING);
        String mode = args.length > 0 ? args[0] : "reject";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 4;
        boolean accept = switch (mode) {
            case "accept" -> true;
            case "reject" -> false;
            default -> throw new IllegalArgumentException("mode must be reject or accept, not " + mode);
        };
        BenchPool pool = new BenchPool(accept);
        StratumEngine engine = pool.engine;
        FrameStream.Listener frames = pool.link.open(ConnectorLink.PEER);
        for (byte[] f : pool.setupFrames()) {
            frames.onFrame(null, f);
        }
        AtomicLong sends = pool.sends;
        long setupSends = sends.get();
        long accepted0 = engine.stats().pool().acceptedCount();
        long rejected0 = engine.stats().pool().rejectedCount();

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        long deadline = warmEnd + (long) (seconds * 1e9);
        long n = 0;
        long n0 = 0;
        long cpu0 = 0;
        long wall0 = 0;
        long process0 = 0;
        long alloc0 = 0;
        long gc0 = 0;
        boolean measuring = false;
        int nonce = 0;
        // The machine is shared: CPU time per share is also kept per 0.2 s slice, and the best and the median
        // slice are reported, which vary much less between runs than the overall figure.
        List<Double> slices = new ArrayList<>();
        long sliceStart = 0;
        long sliceCpu = 0;
        long sliceN = 0;
        while (!measuring || (n & 1023) != 0 || System.nanoTime() < deadline) {
            if ((n & 1023) == 0) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    n0 = n;
                    cpu0 = mx.getCurrentThreadCpuTime();
                    alloc0 = allocatedBytes(mx);
                    wall0 = now;
                    process0 = os.getProcessCpuTime();
                    gc0 = gcMillis();
                    sliceStart = now;
                    sliceCpu = cpu0;
                    sliceN = n;
                } else if (measuring && now - sliceStart >= 200_000_000L) {
                    long c = mx.getCurrentThreadCpuTime();
                    slices.add((c - sliceCpu) / 1e3 / (n - sliceN));
                    sliceStart = now;
                    sliceCpu = c;
                    sliceN = n;
                }
            }
            frames.onFrame(null, pool.submit(n, nonce++)); // a new array per frame, as from the stream reader
            n++;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long alloc = allocatedBytes(mx) - alloc0;
        long process = os.getProcessCpuTime() - process0;
        long gc = gcMillis() - gc0;
        double wall = (System.nanoTime() - wall0) / 1e9;
        long shares = n - n0;
        long accepted = engine.stats().pool().acceptedCount() - accepted0;
        long rejected = engine.stats().pool().rejectedCount() - rejected0;
        System.out.printf("%s: %d shares in %.2f s wall; %.2f µs CPU per share = %.0f shares per CPU-second"
                        + " (wall %.0f shares/s)%n", mode, shares, wall, cpu / 1e3 / shares, shares / (cpu / 1e9),
                shares / wall);
        Collections.sort(slices);
        System.out.printf("  per 0.2 s slice: best %.2f µs, median %.2f µs CPU per share (%d slices)%n",
                slices.get(0), slices.get(slices.size() / 2), slices.size());
        System.out.printf("  whole JVM %.2f µs CPU per share (GC %d ms, %.1f µs per 100 shares); %d bytes allocated"
                + " per share%n", process / 1e3 / shares, gc, gc * 1e3 / shares * 100, alloc / shares);
        System.out.printf("  replies %d for %d shares; accepted %d, rejected %d %s%n",
                sends.get() - setupSends, n, accepted, rejected, engine.stats().pool().rejectsByReason());
    }

    private static long allocatedBytes(ThreadMXBean mx) {
        return ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long gcMillis() {
        long t = 0;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }
}
