package org.jckpool.testminer.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.testminer.options.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.LineBuffer;

/**
 * One NIO selector thread serving a share of the load connections: connects them (a bounded number at a time),
 * runs each one's libpool {@link StratumClientSession} (handshake, then what the pool sends, read by
 * {@link LoadConnectionEvents}), and lets its {@link SubmitScheduler} send the submits.
 */
final class SelectorLoop implements Runnable {
    private static final int READ_BUFFER = 64 * 1024;

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final LoadStats stats;
    private final InetSocketAddress address;
    private final List<LoadConnection> conns;
    private final int connectLimit;
    private final Selector selector;
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(READ_BUFFER);
    private final List<LoadConnection> withInput = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ReplyLatencies replies;
    private final SubmitScheduler submits;
    private final LoadConnectionEvents.Shared shared;

    final LatencyRecorder connectTimes = new LatencyRecorder();

    private volatile boolean closing;
    private int nextToOpen;
    private int connecting;

    SelectorLoop(TestMinerOptions opt, MinerOutput out, LoadStats stats, FanOutTracker fanOut,
                 InetSocketAddress address, List<LoadConnection> conns, double rate, int connectLimit,
                 ValidShareGrinder grinder) throws IOException {
        this.opt = opt;
        this.out = out;
        this.stats = stats;
        this.address = address;
        this.conns = conns;
        this.connectLimit = Math.max(1, connectLimit);
        this.selector = Selector.open();
        this.replies = new ReplyLatencies(stats, out, opt.latencyPerSecond,
                (int) Math.min(50_000_000, rate * opt.duration * 1.1 + 1024));
        this.submits = new SubmitScheduler(this, conns, rate, grinder, stats, replies);
        this.shared = new LoadConnectionEvents.Shared(stats, out, fanOut, replies, grinder != null,
                new AtomicBoolean());
    }

    /** Latencies of the measured part's replies. */
    LatencyRecorder latencies() {
        return replies.latencies;
    }

    void startSubmitting(long startNanos, long measureNanos, long endNanos) {
        submits.start(startNanos, measureNanos, endNanos);
        selector.wakeup();
    }

    void stopSubmitting(long endNanos) {
        submits.stop(endNanos);
    }

    /** True once the loop will send no more submits (so counting outstanding replies is final). */
    boolean submitPhaseOver() {
        return submits.phaseOver();
    }

    void close() {
        closing = true;
        selector.wakeup();
    }

    /** Runs {@code task} on this loop's thread (from another thread: a grinder's callback). */
    void runOnLoop(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!closing) {
                openMore();
                long wait = submits.selectWaitMillis();
                int n = wait <= 0 ? selector.selectNow() : selector.select(wait);
                if (n > 0) {
                    handleSelected();
                }
                processInput();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                submits.submitDue();
            }
        } catch (IOException | RuntimeException e) {
            out.log("load selector thread failed: %s", e);
        } finally {
            for (LoadConnection c : conns) {
                closeConnection(c, null);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // exiting
            }
        }
    }

    // ---- connecting ----

    private void openMore() {
        while (connecting < connectLimit && nextToOpen < conns.size() && !closing) {
            LoadConnection c = conns.get(nextToOpen++);
            c.connectStartNanos = System.nanoTime();
            try {
                SocketChannel ch = SocketChannel.open();
                c.channel = ch;
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean done = ch.connect(address);
                c.key = ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
                if (done) {
                    connected(c);
                } else {
                    connecting++;
                }
            } catch (IOException e) {
                connectFailed(c, e);
            }
        }
    }

    private void connectFailed(LoadConnection c, IOException e) {
        if (stats.connectFailed.incrementAndGet() <= 3) {
            out.log("load connection %d failed to connect: %s", c.index, e.getMessage());
        }
        closeConnection(c, null);
    }

    private void connected(LoadConnection c) throws IOException {
        c.open = true;
        stats.connected.incrementAndGet();
        connectTimes.record(System.nanoTime() - c.connectStartNanos);
        c.key.interestOps(SelectionKey.OP_READ);
        c.session = new StratumClientSession(new StratumClientSession.Handshake(opt.agent, c.worker, opt.password,
                opt.versionRolling ? (int) opt.versionMaskValue() : 0, opt.minBitCount, opt.extranonceSubscribe,
                null, opt.suggestDiff), line -> send(c, line), new LoadConnectionEvents(c, shared));
        c.session.start();
    }

    private void send(LoadConnection c, String line) {
        try {
            c.send(line);
        } catch (IOException e) {
            closeConnection(c, "write failed: " + e.getMessage());
        }
    }

    // ---- I/O ----

    private void handleSelected() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            LoadConnection c = (LoadConnection) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            try {
                if (key.isConnectable()) {
                    connecting--;
                    try {
                        c.channel.finishConnect();
                    } catch (IOException e) {
                        connectFailed(c, e);
                        continue;
                    }
                    connected(c);
                    continue;
                }
                if (key.isReadable()) {
                    read(c);
                }
                if (key.isValid() && key.isWritable()) {
                    c.flush();
                }
            } catch (IOException e) {
                closeConnection(c, "I/O error: " + e.getMessage());
            }
        }
    }

    /** Reads what is there and stamps the time; lines are handled after every ready socket was read. */
    private void read(LoadConnection c) throws IOException {
        long now = System.nanoTime();
        boolean any = false;
        while (true) {
            readBuf.clear();
            int n = c.channel.read(readBuf);
            if (n < 0) {
                closeConnection(c, "closed by pool");
                break;
            }
            if (n == 0) {
                break;
            }
            readBuf.flip();
            c.lines.feed(readBuf);
            any = true;
            if (n < READ_BUFFER) {
                break;
            }
        }
        if (any) {
            c.lastReadNanos = now;
            withInput.add(c);
        }
    }

    /** Hands each complete line to its connection's session: a submit's reply is read from the bytes. */
    private void processInput() {
        for (LoadConnection c : withInput) {
            LineBuffer lines = c.lines;
            while (!c.closed && lines.nextLine()) {
                if (!lines.lineBlank()) {
                    c.session.onLine(lines.lineBytes(), lines.lineStart(), lines.lineLength());
                }
            }
            int overlong = c.lines.takeOverlongCount();
            if (overlong > 0) {
                stats.malformed.addAndGet(overlong);
            }
        }
        withInput.clear();
    }

    void closeConnection(LoadConnection c, String reason) {
        if (c.closed) {
            return;
        }
        boolean wasOpen = c.open;
        c.closed = true;
        c.open = false;
        if (wasOpen && reason != null && !closing) {
            if (stats.disconnects.incrementAndGet() <= 3) {
                out.log("load connection %d dropped: %s", c.index, reason);
            }
        }
        if (c.ready) {
            c.ready = false;
            stats.ready.decrementAndGet();
        }
        stats.outstanding.addAndGet(-c.pendingSubmits.size());
        c.pendingSubmits.clear();
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
