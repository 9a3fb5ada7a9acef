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
import org.jckpool.libpool.ipc.PolledFrameStream;
import org.jckpool.libpool.ipc.ReconnectingStream;
import org.jckpool.libpool.retry.Backoff;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The persistent stream from the connector to the stratifier's socket ({@code stream.open}, peer
 * {@code "connector"}), carrying relay frames both ways.
 *
 * <p>Behaviour (docs/INTERNALS.md, "connector ↔ stratifier", "Stream life"):
 * <ul>
 *   <li>Miners are refused until the stream is up for the first time. Connection attempts are retried every
 *       {@code minRetry}, doubling up to {@code maxRetry} while the stratifier is away or keeps closing at once.</li>
 *   <li>When the stream drops, clients stay connected and new ones are admitted: their lines are held in a
 *       {@link RelayBacklog} (bounded by {@link HoldLimits}; a request over the bound is answered with a Stratum
 *       error at once). The next stream is told every live client (C frames, marked resumed for clients the
 *       previous stream knew) and gets their unanswered lines in order — those held, and those sent before the
 *       loss whose reply never came back. The replay runs on the I/O thread before anything else it relays.</li>
 *   <li>Only when the stratifier stays away longer than {@link HoldLimits#holdFor} are the clients dropped and
 *       new ones refused until it is back.</li>
 *   <li>{@link #accept} is the sink of the connector's I/O thread. It hands the frame to the stream's bounded
 *       queue without blocking; only when that queue is full it blocks for at most {@code sendBlock}
 *       (logged), and a stratifier that takes nothing for that long is treated as lost (stream closed).</li>
 * </ul>
 */
public final class StratifierUplink implements Consumer<byte[]>, AutoCloseable {
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
    private final HoldLimits limits;
    private final RelayBacklog backlog;
    /** Guards {@link #stream} between the link's thread and {@link #close}. */
    private final Object lock = new Object();
    private final ReconnectingStream link;
    private final RateLimitedLog badFrameLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private final RateLimitedLog waitingLog = new RateLimitedLog(Log.NOTICE, TimeUnit.SECONDS.toNanos(30));
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong badFrames = new AtomicLong();
    private final AtomicLong framesInTotal = new AtomicLong();
    private final AtomicLong framesOutTotal = new AtomicLong();
    private volatile PolledFrameStream stream;
    private volatile boolean everUp;
    private volatile long downSinceMillis;
    private volatile boolean gaveUp;
    private volatile long upSinceMillis;
    private volatile String lastError;
    private volatile boolean serverFailed;
    private volatile long startedMillis;
    private volatile Runnable onServerFailure = () -> { };
    private ConnectorServer server;
    private UplinkSender sender;
    private DownstreamDispatcher dispatcher;

    public StratifierUplink(Path stratifierSocket, Timing timing) {
        this(stratifierSocket, timing, HoldLimits.DEFAULT);
    }

    public StratifierUplink(Path stratifierSocket, Timing timing, HoldLimits limits) {
        this.socket = Objects.requireNonNull(stratifierSocket, "stratifierSocket");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.backlog = new RelayBacklog(limits);
        this.link = new ReconnectingStream("connector-link", new Backoff(timing.minRetry(), timing.maxRetry()),
                timing.stableAfter(), new Connect());
    }

    /**
     * Starts connecting; {@code server} must have been started with admitting off. {@code onServerFailure}
     * runs once if the server's I/O loop stops on its own (the process should then exit).
     */
    public void start(ConnectorServer server, Runnable onServerFailure) {
        this.server = Objects.requireNonNull(server, "server");
        this.dispatcher = new DownstreamDispatcher(server);
        this.sender = new UplinkSender(server, backlog, timing.sendBlock(), reason -> lastError = reason);
        this.onServerFailure = Objects.requireNonNull(onServerFailure, "onServerFailure");
        this.startedMillis = System.currentTimeMillis();
        link.start();
    }


    // ---- sink of the I/O thread ----

    /**
     * The I/O thread's round is over: the lines it sent this round leave together, at once, in one write.
     */
    public void kick() {
        PolledFrameStream s = stream;
        if (s != null) {
            s.kick();
        }
    }

    @Override
    public void accept(byte[] payload) {
        sender.accept(payload);
    }


    // ---- connect loop ----

    /**
     * The link's side of the connect loop: fast retries without back-off while the suite starts, a stream that
     * closes at once does not admit miners, and while miners wait on held lines no back-off at all (a restarting
     * stratifier is found within {@code minRetry}).
     */
    private final class Connect implements ReconnectingStream.Handler {
        private long attempts;
        private boolean starting;

        @Override
        public boolean canRun() {
            if (server.isRunning()) {
                return true;
            }
            if (!link.isClosed() && !serverFailed) {
                serverFailed = true;
                Log.emerg("Connector networking stopped unexpectedly; the connector must exit");
                onServerFailure.run();
            }
            return false;
        }

        @Override
        public FrameStream connect() throws IOException {
            starting = connects.get() == 0 && System.currentTimeMillis() - startedMillis < START_WINDOW_MS;
            // read in the I/O thread's own selector: replies reach the miners' sockets in the round they
            // arrive, with no reader thread handing them over
            // room for the whole replay besides the usual queue: it is sent in one go on the I/O thread
            PolledFrameStream s = PolledFrameStream.connect(socket, PEER, new StreamListener(),
                    timing.queueCapacity() + backlog.replayFrames(), timing.sendBlock().toMillis());
            server.pollStream(s);
            return s;
        }

        @Override
        public long connectFailed(Exception e, long backoffMillis) {
            attempts++;
            giveUpWhenAwayTooLong();
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
            waitingLog.log(System.nanoTime(), "Waiting for the stratifier at " + socket + " (attempt "
                    + attempts + "): " + lastError + (server.isAdmitting() ? "; holding the miners' lines"
                    : "; not accepting miners until it is reachable"));
            if (starting) {
                link.backoff().reset();
                return Math.min(START_RETRY_MS, backoffMillis);
            }
            if (holdingClients()) {
                link.backoff().reset();
            }
            return backoffMillis;
        }

        @Override
        public void up(FrameStream opened, ReconnectingStream l) {
            PolledFrameStream s = (PolledFrameStream) opened; // what connect() made
            attempts = 0;
            lastError = null;
            upSinceMillis = System.currentTimeMillis();
            synchronized (lock) {
                stream = s;
            }
            // A stratifier not ready for us (no stream handler yet) closes at once: only a stream that stays
            // open for a moment admits miners, so such refusals do not flap admission.
            l.awaitClose(s, starting ? Math.min(START_RETRY_MS, timing.minRetry().toMillis())
                    : timing.minRetry().toMillis());
            boolean admitted = s.isOpen();
            if (admitted) {
                server.runOnIoThread(() -> {
                    if (stream == s) {
                        sender.replayOnto(s);
                    }
                });
                everUp = true;
                gaveUp = false;
                downSinceMillis = 0;
                server.setAdmitting(true);
                connects.incrementAndGet();
                Log.notice("Connected to the stratifier at %s (connection %d); accepting miners", socket,
                        connects.get());
            }
            l.awaitClose(s, Long.MAX_VALUE);
            if (!l.isClosed() && server.isRunning()) {
                handleLoss(s, admitted);
            }
        }

        @Override
        public long down(FrameStream s, Exception cause, boolean stable, long backoffMillis) {
            if (stable || !server.isRunning()) {
                return 0;
            }
            if (holdingClients()) {
                link.backoff().reset();
                return link.backoff().firstMillis();
            }
            return backoffMillis;
        }
    }

    /** Keeps the clients: their lines are held until the next stream, which gets them replayed. */
    private void handleLoss(FrameStream s, boolean admitted) {
        synchronized (lock) {
            if (stream == s) {
                stream = null;
            }
        }
        server.runOnIoThread(() -> sender.lost(s));
        framesInTotal.addAndGet(s.framesIn());
        framesOutTotal.addAndGet(s.framesOut());
        if (!admitted) {
            giveUpWhenAwayTooLong();
            waitingLog.log(System.nanoTime(), "The stratifier at " + socket + " closed the stream at once ("
                    + (lastError == null ? "refused" : lastError) + "); retrying");
            return;
        }
        losses.incrementAndGet();
        downSinceMillis = System.currentTimeMillis();
        Log.warning("Lost the stratifier stream%s: keeping %d clients and holding their lines for up to %d s "
                        + "until it is back", lastError == null ? "" : " (" + lastError + ")", backlog.clients(),
                limits.holdFor().toSeconds());
    }

    private boolean holdingClients() {
        return everUp && !gaveUp && downSinceMillis != 0;
    }

    /**
     * After {@link HoldLimits#holdFor} without a stratifier: drops every client (miners move on to a backup
     * pool) and refuses new ones until the stream is back.
     */
    private void giveUpWhenAwayTooLong() {
        long since = downSinceMillis;
        if (!everUp || gaveUp || since == 0 || System.currentTimeMillis() - since < limits.holdFor().toMillis()) {
            return;
        }
        gaveUp = true;
        server.setAdmitting(false);
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
        Log.warning("The stratifier has been away for %d s: dropped %d clients (they reconnect); refusing new "
                + "miners until it is back", limits.holdFor().toSeconds(), dropped);
    }

    private final class StreamListener implements FrameStream.Listener {
        @Override
        public void onFrame(FrameStream s, byte[] frame) {
            try {
                RelayFrame f = RelayCodec.decode(frame);
                if (f.type() == RelayFrameType.SEND) {
                    backlog.answered(f.clientId(), StratumIds.idHash(f.buffer(), f.bodyOffset(), f.bodyLength()));
                }
                dispatcher.dispatch(f);
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
            link.wake();
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
        o.put("discarded", sender.discarded());
        o.put("congested", sender.congested());
        o.put("bad_frames", badFrames.get());
        o.put("replayed", sender.replayed() || s == null ? "yes" : "pending");
        o.put("held_lines", backlog.heldLines());
        o.put("held_bytes", backlog.heldBytes());
        o.put("awaiting_reply", backlog.waiting());
        o.put("held_total", backlog.heldTotal());
        o.put("refused_restarting", backlog.refused());
        o.put("replayed_lines", backlog.replayedLines());
        o.put("forgotten", backlog.forgotten());
        long since = downSinceMillis;
        o.put("down_ms", up || since == 0 ? 0 : System.currentTimeMillis() - since);
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
        link.close();
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
