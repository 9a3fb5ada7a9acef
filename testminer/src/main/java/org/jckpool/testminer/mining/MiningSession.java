package org.jckpool.testminer.mining;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.testminer.options.TestMinerOptions;
import org.jckpool.testminer.output.MinerOutput;
import org.jckpool.testminer.stratum.LineBuffer;
import org.jckpool.testminer.stratum.PoolAddress;
import org.jckpool.testminer.work.FoundShare;
import org.jckpool.testminer.work.Work;

/**
 * The pool connection of mining mode: one {@link MinerConnection} at a time, served by the thread that calls
 * {@link #run()}, reconnecting with back-off (or where client.reconnect says, resuming the session) until
 * {@link #shutdown()}.
 */
public final class MiningSession implements ShareSink {
    static final int MAX_LINE_BYTES = StratumClientSession.MAX_LINE;
    private static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TICK_MS = 250;

    private final TestMinerOptions opt;
    private final MinerOutput out;
    private final MinerStats stats;
    private final WorkSource work;
    private final StopSignal stop;

    private volatile boolean closing;
    private volatile Socket socket;
    private volatile MinerConnection connection;
    private volatile double lastDifficulty = 1.0;
    private long epoch;

    // Owned by the connection thread.
    private PoolAddress current;
    private String sessionId;

    MiningSession(TestMinerOptions opt, MinerOutput out, MinerStats stats, WorkSource work, StopSignal stop) {
        this.opt = opt;
        this.out = out;
        this.stats = stats;
        this.work = work;
        this.stop = stop;
        this.sessionId = opt.session;
        this.current = PoolAddress.parse(opt.url);
    }

    /** Connects, serves, reconnects; returns after {@link #shutdown()} or when the stop signal ends retrying. */
    public void run() {
        long backoffMs = 1000;
        long maxBackoffMs = Math.max(100, (long) (opt.retryMaxWait * 1000));
        int failures = 0;
        while (!closing && !stop.stopped()) {
            MinerConnection c = connectAndServe(current);
            if (closing || stop.stopped()) {
                break;
            }
            long waitMs;
            MinerConnection.Redirect redirect = c == null ? null : c.redirect();
            if (redirect != null) {
                current = redirect.to();
                waitMs = redirect.waitMillis();
                backoffMs = 1000;
                failures = 0;
            } else if (c != null && c.session().subscribed()) {
                waitMs = Math.min(1000, maxBackoffMs);
                backoffMs = 1000;
                failures = 0;
            } else {
                failures++;
                if (opt.maxRetries > 0 && failures >= opt.maxRetries) {
                    stop.stop("pool " + current + " unreachable after " + failures + " attempts", 1);
                    break;
                }
                waitMs = Math.min(backoffMs, maxBackoffMs);
                backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
            }
            out.event("RETRY %s in %d ms", current, waitMs);
            try {
                if (stop.await(TimeUnit.MILLISECONDS.toNanos(waitMs))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Ends the session: closes the socket and stops reconnecting. */
    public void shutdown() {
        closing = true;
        closeQuietly(socket);
    }

    /** Waits until every submitted share has its reply (or the time is up); true when none is outstanding. */
    public boolean awaitSubmitReplies(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            MinerConnection c = connection;
            if (c == null || !c.hasPendingSubmits()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Difficulty of the work being mined (or the last one the pool set, when there is no work). */
    public double currentDifficulty() {
        Work w = work.current();
        MinerConnection c = connection;
        return w != null ? w.difficulty() : c != null ? c.difficulty() : lastDifficulty;
    }

    public boolean connected() {
        return connection != null;
    }

    /** Called on a hashing thread for every share it finds. */
    @Override
    public void onShare(FoundShare share) {
        MinerConnection c = connection;
        if (c != null) {
            c.submit(share);
        }
    }

    /** One connection; returns it once over (null when it could not be made). */
    private MinerConnection connectAndServe(PoolAddress target) {
        Socket s = new Socket();
        OutputStream os;
        InputStream in;
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TICK_MS);
            os = s.getOutputStream();
            in = s.getInputStream();
        } catch (IOException e) {
            closeQuietly(s);
            out.event("CONNECT_FAILED %s %s", target, MinerConnection.oneLine(e.getMessage()));
            return null;
        }
        socket = s;
        if (closing) {
            closeQuietly(s);
            return null;
        }
        MinerConnection c = new MinerConnection(opt, out, stats, work, stop, target, s, os, ++epoch, sessionId);
        connection = c;
        out.event("CONNECTED %s", target);
        c.session().start();
        String reason = readLoop(in, c);
        closeQuietly(s);
        socket = null;
        connection = null;
        c.closed();
        lastDifficulty = c.difficulty();
        if (c.session().sessionId() != null) {
            sessionId = c.session().sessionId(); // resumed on the next connection
        }
        work.publish(null);
        if (!closing && !stop.stopped()) { // our own stop closed the socket: not a disconnect
            stats.disconnect();
            out.event("DISCONNECTED %s", reason);
        }
        return c;
    }

    private String readLoop(InputStream in, MinerConnection c) {
        LineBuffer lines = new LineBuffer(MAX_LINE_BYTES);
        byte[] buf = new byte[16 * 1024];
        long handshakeDeadline = System.nanoTime() + HANDSHAKE_TIMEOUT_NANOS;
        while (!closing) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                n = 0;
            } catch (IOException e) {
                return closing ? "shutdown" : "read error: " + MinerConnection.oneLine(e.getMessage());
            }
            if (n < 0) {
                return "closed by pool";
            }
            if (n > 0) {
                lines.feed(buf, 0, n);
                while (c.closeReason() == null && lines.nextLine()) {
                    if (!lines.lineBlank()) {
                        c.session().onLine(lines.lineBytes(), lines.lineStart(), lines.lineLength());
                    }
                }
                int overlong = lines.takeOverlongCount();
                for (int i = 0; i < overlong; i++) {
                    c.onMalformed("line longer than " + MAX_LINE_BYTES + " bytes", "");
                }
            }
            if (c.closeReason() != null) {
                return c.closeReason();
            }
            if (!c.session().subscribed() && System.nanoTime() > handshakeDeadline) {
                return "no mining.subscribe reply within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_TIMEOUT_NANOS) + " s";
            }
        }
        return "shutdown";
    }

    static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
