package org.jckpool.connector.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.connector.net.ConnectorServer;
import org.jckpool.connector.net.ConnectorSettings;
import org.jckpool.connector.net.ListenAddress;
import org.jckpool.connector.net.ClientEventSink;

/**
 * Load benchmark: opens N loopback connections to a connector and measures how long one broadcast line takes to
 * reach all of them (sendAll → last client has the whole line), and per-client sends. Clients and server share
 * this JVM and the machine's cores, so the figures are a pessimistic bound.
 *
 * <p>Run: {@code java -cp connector/target/classes:connector/target/test-classes
 * org.jckpool.connector.bench.BroadcastBenchmark [clients=5000] [seconds=4] [lineBytes=700]}
 */
public final class BroadcastBenchmark {

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int lineBytes = args.length > 2 ? Integer.parseInt(args[2]) : 700; // a mining.notify is ~0.5–1 KB

        AtomicLong connects = new AtomicLong();
        java.util.Queue<Long> ids = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ClientEventSink upstream = new ClientEventSink() {
            @Override
            public void connected(long id, String ip, int port, int serverIndex) {
                ids.add(id);
                connects.incrementAndGet();
            }

            @Override
            public void line(long id, byte[] utf8, int offset, int length) {
            }

            @Override
            public void disconnected(long id, String reason) {
            }
        };
        System.gc();
        long heapBefore = usedHeap();
        ConnectorSettings settings = ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0")))
                .withFirstLineTimeout(java.time.Duration.ZERO);
        try (ConnectorServer server = ConnectorServer.start(settings, upstream, true, List.of());
             Readers readers = new Readers()) {
            InetSocketAddress address = server.boundAddresses().get(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                readers.connect(address);
            }
            while (server.clientCount() < clients) {
                Thread.sleep(1);
            }
            for (Long id : ids) {
                server.subscribe(id); // broadcasts reach subscribed clients only
            }
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            readers.start();
            System.gc();
            long heapAfter = usedHeap();
            System.out.printf("clients=%d connected in %d ms; connector+client heap %.1f KiB per connection%n",
                    clients, connectMs, (heapAfter - heapBefore) / 1024.0 / clients);

            byte[] line = new byte[lineBytes];
            Arrays.fill(line, (byte) 'n');
            List<Long> fanouts = new ArrayList<>();
            long ioCpuStart = ioThreadCpuNanos();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long expectedLines = 0;
            while (System.nanoTime() < end) {
                expectedLines += clients;
                long start = System.nanoTime();
                server.sendAll(line);
                readers.awaitLines(expectedLines);
                fanouts.add(System.nanoTime() - start);
            }
            long ioCpu = ioThreadCpuNanos() - ioCpuStart;
            fanouts.sort(null);
            long median = fanouts.get(fanouts.size() / 2);
            long max = fanouts.get(fanouts.size() - 1);
            double linesPerSec = (double) clients * fanouts.size()
                    / (fanouts.stream().mapToLong(Long::longValue).sum() / 1e9);
            System.out.printf("broadcast of %d bytes to %d clients: %d rounds, median %.2f ms, min %.2f ms, "
                            + "max %.2f ms, %.0f client-lines/s%n", lineBytes + 1, clients, fanouts.size(),
                    median / 1e6, fanouts.get(0) / 1e6, max / 1e6, linesPerSec);
            System.out.printf("connector I/O thread CPU: %.2f ms per broadcast, %.2f us per client-line%n",
                    ioCpu / 1e6 / fanouts.size(), ioCpu / 1e3 / fanouts.size() / clients);
            System.out.printf("connector stats: %s%n", server.stats());
        }
    }

    private static long ioThreadCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("connector-io")) {
                return mx.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Client side: non-blocking sockets on one thread, counting newlines received. */
    private static final class Readers implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        private final AtomicLong lines = new AtomicLong();
        private final Thread thread = new Thread(this::run, "bench-readers");
        private volatile boolean running = true;

        Readers() throws IOException {
        }

        void connect(InetSocketAddress address) throws IOException {
            SocketChannel ch = SocketChannel.open(address);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            channels.add(ch);
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void awaitLines(long expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines.get() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + lines.get() + " of " + expected + " lines arrived");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (running) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        SocketChannel ch = (SocketChannel) key.channel();
                        buf.clear();
                        int n = ch.read(buf);
                        if (n < 0) {
                            key.cancel();
                            continue;
                        }
                        int count = 0;
                        for (int i = 0; i < n; i++) {
                            if (buf.get(i) == '\n') {
                                count++;
                            }
                        }
                        lines.addAndGet(count);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                System.err.println("reader failed: " + e);
            }
        }

        @Override
        public void close() throws IOException {
            running = false;
            selector.wakeup();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
        }
    }

    private BroadcastBenchmark() {
    }
}
