package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.ConnectorLink;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.relay.RelayFrameType;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The share path with the real connector stream around it: a fake connector in this JVM sends LINE frames over a
 * Unix socket (a {@link FrameStream}, as the connector does), keeps a window of shares in flight and counts the
 * SEND replies. Reports the CPU per share of the stratifier side's stream reader thread (frame reading plus all of
 * {@link ShareFrameBenchmark}'s path plus the queue hand-off) and writer thread (batched socket writes); the whole
 * JVM figure also holds the fake connector's threads.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xss512k -Xms16m -Xmx384m -cp ...
 * org.jckpool.stratifier.process.ConnectorStreamBenchmark [reject|accept] [seconds] [warmupSeconds] [window] [shares/s]}.
 * Not a test: prints a figure.
 */
public final class ConnectorStreamBenchmark {
    public static void main(String[] args) throws Exception {
        org.jckpool.libpool.log.Log.setLevel(org.jckpool.libpool.log.Log.WARNING);
        boolean accept = args.length > 0 && args[0].equals("accept");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 4;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        double rate = args.length > 4 ? Double.parseDouble(args[4]) : 0; // shares/s; 0 = as fast as it goes

        BenchPool pool = new BenchPool(accept);
        Path dir = Files.createTempDirectory("jckpool-stream-bench");
        Path socket = dir.resolve("stratifier");
        ControlServer server = ControlServer.open(socket, r -> null).onStream(pool.link);
        AtomicLong replies = new AtomicLong();
        byte send = RelayFrameType.SEND.code();
        FrameStream connector = FrameStream.connect(socket, ConnectorLink.PEER, (s, frame) -> {
            if (frame[0] == send) {
                replies.incrementAndGet();
            }
        });
        try {
            for (byte[] f : pool.setupFrames()) {
                connector.send(f);
            }
            awaitReplies(replies, 3L * BenchPool.CLIENTS);
            replies.set(0);

            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long reader = threadId("stream-r-" + ConnectorLink.PEER);
            long writer = threadId("stream-w-" + ConnectorLink.PEER);
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            long deadline = warmEnd + (long) (seconds * 1e9);
            long sent = 0;
            long done0 = 0;
            long reader0 = 0;
            long writer0 = 0;
            long process0 = 0;
            long wall0 = 0;
            boolean measuring = false;
            int nonce = 0;
            while (System.nanoTime() < deadline) {
                if (!measuring && System.nanoTime() >= warmEnd) {
                    measuring = true;
                    done0 = replies.get();
                    reader0 = mx.getThreadCpuTime(reader);
                    writer0 = mx.getThreadCpuTime(writer);
                    process0 = os.getProcessCpuTime();
                    wall0 = System.nanoTime();
                }
                if (rate > 0 && sent > (System.nanoTime() - warmEnd + warmup * 1e9) / 1e9 * rate) {
                    LockSupport.parkNanos(20_000); // paced like a pool with many miners
                    continue;
                }
                if (sent - replies.get() >= window) {
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                connector.send(pool.submit(sent++, nonce++));
            }
            long done = replies.get() - done0;
            double wall = (System.nanoTime() - wall0) / 1e9;
            long readerCpu = mx.getThreadCpuTime(reader) - reader0;
            long writerCpu = mx.getThreadCpuTime(writer) - writer0;
            long process = os.getProcessCpuTime() - process0;
            System.out.printf("%s via the stream: %d shares in %.2f s (%.0f shares/s, window %d, pace %s)%n",
                    accept ? "accept" : "reject", done, wall, done / wall, window, rate > 0 ? rate + "/s" : "none");
            System.out.printf("  stratifier reader %.2f µs + writer %.2f µs = %.2f µs CPU per share%n",
                    readerCpu / 1e3 / done, writerCpu / 1e3 / done, (readerCpu + writerCpu) / 1e3 / done);
            System.out.printf("  whole JVM (with the fake connector) %.2f µs CPU per share%n", process / 1e3 / done);
            System.out.println("  " + pool.engine.stats().pool().rejectsByReason() + ", accepted "
                    + pool.engine.stats().pool().acceptedCount());
        } finally {
            connector.close();
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static void awaitReplies(AtomicLong replies, long n) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (replies.get() < n) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("setup replies: " + replies.get() + " of " + n);
            }
            Thread.sleep(5);
        }
    }

    private static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }
}
