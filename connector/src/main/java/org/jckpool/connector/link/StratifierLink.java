package org.jckpool.connector.link;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.connector.net.ConnectorServer;
import org.jckpool.libpool.log.RateLimitedLog;
import org.jckpool.connector.relay.DownstreamDispatcher;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The persistent stream from the connector to the stratifier's socket ({@code stream.open}, peer
 * {@code "connector"}), carrying relay frames both ways.
 *
 * <p>Behaviour (docs/INTERNALS.md, "connector ↔ stratifier"):
 * <ul>
 *   <li>Miners are admitted only while the stream is up: the link turns {@link ConnectorServer#setAdmitting}
 *       on when the stream opens and off when it closes. Until then connection attempts are retried every
 *       {@code minRetry}, doubling up to {@code maxRetry} while the stratifier is away or keeps closing at once.</li>
 *   <li>When the stream drops, every client is dropped (the stratifier that comes back knows none of their
 *       sessions; miners reconnect and subscribe afresh). The reconnect waits until those drops are done, so
 *       their D frames never reach the new stratifier.</li>
 *   <li>{@link #accept} is the sink of the connector's I/O thread. It hands the frame to the stream's bounded
 *       queue without blocking; only when that queue is full it blocks for at most {@code sendBlock}
 *       (logged), and a stratifier that takes nothing for that long is treated as lost (stream closed).
 *       Frames are discarded (counted) while the stream is down.</li>
 * </ul>
 */
public final class StratifierLink implements Consumer<byte[]>, AutoCloseable {
    /** Retry and back-pressure timing; {@link #DEFAULT} for the process. */
    public record Timing(Duration minRetry, Duration maxRetry, Duration sendBlock, Duration stableAfter,
                         int queueCapacity) {
        public static final Timing DEFAULT = new Timing(Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 65_536);

        public Timing {
            if (minRetry.isNegative() || minRetry.isZero() || maxRetry.compareTo(minRetry) < 0) {
                throw new IllegalArgumentException("retry delays must be positive with max >= min");
            }
            if (sendBlock.isNegative() || queueCapacity < 1) {
                throw new IllegalArgumentException("send block must not be negative, queue capacity positive");
            }
        }
    }

    private static final String PEER = "connector";
    private static final long DROP_WAIT_SECONDS = 10;
    /**
     * Until the first stream is admitted (the suite is starting: the stratifier's socket appears, and it
     * refuses streams until it has its first template), connects are retried this often, without back-off,
     * for at most {@link #START_WINDOW_MS}; a missing socket or a refusal costs next to nothing. Backing off
     * from 100 ms here left the connector up to ~1.5 s behind a stratifier that had become ready.
     */
    static final long START_RETRY_MS = 20;
    static final long START_WINDOW_MS = 30_000;

    private final Path socket;
    private final Timing timing;
    private final Object lock = new Object();
    private final Thread thread;
    private final RateLimitedLog congestionLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private final RateLimitedLog badFrameLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private final RateLimitedLog waitingLog = new RateLimitedLog(Log.NOTICE, TimeUnit.SECONDS.toNanos(30));
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong congested = new AtomicLong();
    private final AtomicLong badFrames = new AtomicLong();
    private final AtomicLong framesInTotal = new AtomicLong();
    private final AtomicLong framesOutTotal = new AtomicLong();
    private volatile FrameStream stream;
    private volatile long upSinceMillis;
    private volatile String lastError;
    private volatile boolean closed;
    private volatile Runnable onServerFailure = () -> { };
    private ConnectorServer server;
    private DownstreamDispatcher dispatcher;

    public StratifierLink(Path stratifierSocket, Timing timing) {
        this.socket = Objects.requireNonNull(stratifierSocket, "stratifierSocket");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.thread = new Thread(this::run, "connector-link");
        this.thread.setDaemon(true);
    }

    /**
     * Starts connecting; {@code server} must have been started with admitting off. {@code onServerFailure}
     * runs once if the server's I/O loop stops on its own (the process should then exit).
     */
    public void start(ConnectorServer server, Runnable onServerFailure) {
        this.server = Objects.requireNonNull(server, "server");
        this.dispatcher = new DownstreamDispatcher(server);
        this.onServerFailure = Objects.requireNonNull(onServerFailure, "onServerFailure");
        thread.start();
    }

    public boolean isUp() {
        FrameStream s = stream;
        return s != null && s.isOpen();
    }

    // ---- sink of the I/O thread ----

    /**
     * The I/O thread's round is over: the lines it sent this round leave together, at once (FrameStream.kick),
     * with no linger.
     */
    public void kick() {
        FrameStream s = stream;
        if (s != null) {
            s.kick();
        }
    }

    @Override
    public void accept(byte[] payload) {
        FrameStream s = stream;
        if (s == null) {
            discarded.incrementAndGet();
            return;
        }
        if (s.trySend(payload)) {
            return;
        }
        if (!s.isOpen()) {
            discarded.incrementAndGet();
            return;
        }
        congested.incrementAndGet();
        long t0 = System.nanoTime();
        boolean sent = s.send(payload, timing.sendBlock().toMillis(), TimeUnit.MILLISECONDS);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        if (sent) {
            congestionLog.log(System.nanoTime(), "Stratifier stream queue full (" + timing.queueCapacity()
                    + " frames): the connector I/O thread waited " + waitedMs + " ms");
            return;
        }
        discarded.incrementAndGet();
        if (s.isOpen()) {
            Log.err("Stratifier took no frame for %d ms with %d queued: closing the stream as lost", waitedMs,
                    s.queued());
            lastError = "stratifier took no frame for " + waitedMs + " ms";
            s.close();
        }
    }

    // ---- connect loop ----

    private void run() {
        long delayMs = timing.minRetry().toMillis();
        long attempts = 0;
        long startedMillis = System.currentTimeMillis();
        while (!closed) {
            boolean starting = connects.get() == 0
                    && System.currentTimeMillis() - startedMillis < START_WINDOW_MS;
            if (!server.isRunning()) {
                if (!closed) {
                    Log.emerg("Connector networking stopped unexpectedly; the connector must exit");
                    closed = true;
                    onServerFailure.run();
                }
                break;
            }
            FrameStream s;
            try {
                // read in the I/O thread's own selector: replies reach the miners' sockets in the round they
                // arrive, with no reader thread handing them over
                s = FrameStream.connectPolled(socket, PEER, new StreamListener(), timing.queueCapacity(),
                        timing.sendBlock().toMillis());
                server.pollStream(s);
            } catch (IOException | RuntimeException e) {
                attempts++;
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                waitingLog.log(System.nanoTime(), "Waiting for the stratifier at " + socket + " (attempt "
                        + attempts + "): " + lastError + "; not accepting miners until it is reachable");
                if (starting) {
                    sleep(Math.min(START_RETRY_MS, delayMs));
                    continue;
                }
                sleep(delayMs);
                delayMs = Math.min(delayMs * 2, timing.maxRetry().toMillis());
                continue;
            }
            attempts = 0;
            lastError = null;
            long opened = System.currentTimeMillis();
            upSinceMillis = opened;
            synchronized (lock) {
                stream = s;
            }
            // A stratifier not ready for us (no stream handler yet) closes at once: only a stream that stays
            // open for a moment admits miners, so such refusals do not flap admission.
            awaitClose(s, starting ? Math.min(START_RETRY_MS, timing.minRetry().toMillis())
                    : timing.minRetry().toMillis());
            boolean admitted = s.isOpen();
            if (admitted) {
                server.setAdmitting(true);
                connects.incrementAndGet();
                Log.notice("Connected to the stratifier at %s (connection %d); accepting miners", socket,
                        connects.get());
            }
            awaitClose(s, Long.MAX_VALUE);
            if (closed) {
                break;
            }
            if (!server.isRunning()) {
                continue;
            }
            handleLoss(s, admitted);
            boolean stable = System.currentTimeMillis() - opened >= timing.stableAfter().toMillis();
            delayMs = stable ? timing.minRetry().toMillis() : Math.min(delayMs * 2, timing.maxRetry().toMillis());
            sleep(stable ? 0 : delayMs);
        }
    }

    /** Waits until the stream closes, the link closes, the server stops, or {@code maxMillis} pass. */
    private void awaitClose(FrameStream s, long maxMillis) {
        long end = maxMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + maxMillis;
        synchronized (lock) {
            while (!closed && s.isOpen() && server.isRunning()) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.min(left, 500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops admitting, drops every client, and waits until that is done before anything reconnects. */
    private void handleLoss(FrameStream s, boolean admitted) {
        synchronized (lock) {
            if (stream == s) {
                stream = null;
            }
        }
        framesInTotal.addAndGet(s.framesIn());
        framesOutTotal.addAndGet(s.framesOut());
        server.setAdmitting(false);
        if (!admitted) {
            waitingLog.log(System.nanoTime(), "The stratifier at " + socket + " closed the stream at once ("
                    + (lastError == null ? "refused" : lastError) + "); retrying");
            return;
        }
        losses.incrementAndGet();
        int dropped;
        try {
            dropped = server.dropAll("stratifier connection lost").get(DROP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            Log.err("Dropping clients after the stratifier loss did not finish: %s", e);
            dropped = -1;
        }
        Log.warning("Lost the stratifier stream%s: dropped %d clients (they reconnect); refusing new miners "
                + "until it is back", lastError == null ? "" : " (" + lastError + ")", dropped);
    }

    private void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        synchronized (lock) {
            try {
                long end = System.currentTimeMillis() + ms;
                for (long left = ms; left > 0 && !closed; left = end - System.currentTimeMillis()) {
                    lock.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class StreamListener implements FrameStream.Listener {
        @Override
        public void onFrame(FrameStream s, byte[] frame) {
            try {
                dispatcher.dispatch(frame);
            } catch (RelayFrameException e) {
                badFrames.incrementAndGet();
                badFrameLog.log(System.nanoTime(), "Bad relay frame from the stratifier ignored: " + e.getMessage());
            }
        }

        @Override
        public void onClose(FrameStream s, Throwable cause) {
            if (lastError == null) { // else the connector closed it and said why
                lastError = cause == null ? "closed by the stratifier" : cause.getMessage();
            }
            if (!closed) {
                // Refuse at once rather than after the link thread wakes up.
                server.setAdmitting(false);
            }
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** The link's state for the stats reply. */
    public ObjectNode stats() {
        ObjectNode o = Json.object();
        FrameStream s = stream;
        boolean up = s != null && s.isOpen();
        o.put("state", up ? "up" : "down");
        o.put("socket", socket.toString());
        o.put("connects", connects.get());
        o.put("losses", losses.get());
        o.put("up_seconds", up ? (System.currentTimeMillis() - upSinceMillis) / 1000 : 0);
        o.put("frames_in", framesInTotal.get() + (s == null ? 0 : s.framesIn()));
        o.put("frames_out", framesOutTotal.get() + (s == null ? 0 : s.framesOut()));
        o.put("queued", s == null ? 0 : s.queued());
        o.put("discarded", discarded.get());
        o.put("congested", congested.get());
        o.put("bad_frames", badFrames.get());
        if (lastError != null) {
            o.put("last_error", lastError);
        }
        return o;
    }

    /**
     * Stops reconnecting but keeps a stream that is up, so that the D frames of a closing server still reach
     * the stratifier; call {@link #close} after the server is closed.
     */
    public void stopReconnecting() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops reconnecting, delivers what is queued (up to half a second) and closes the stream. */
    @Override
    public void close() {
        stopReconnecting();
        FrameStream s;
        synchronized (lock) {
            s = stream;
            stream = null;
        }
        if (s != null) {
            try {
                s.flush(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.close();
        }
    }
}
