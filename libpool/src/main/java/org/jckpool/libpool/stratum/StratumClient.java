package org.jckpool.libpool.stratum;

import org.jckpool.libpool.log.Log;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Stratum v1 client connection to an upstream pool over a blocking socket, as a miner (or a proxy) speaks
 * it; the protocol itself is {@link StratumClientSession}'s.
 *
 * <p>{@link #connect()} connects and runs the handshake on the caller's thread ({@code mining.configure} when a
 * mask is wanted, where an error or refusal just means no rolling; subscribe, optionally with the session to
 * resume; {@code mining.extranonce.subscribe} when wanted; authorize). It returns once subscribed and
 * authorised, or throws. From then on one reader thread hands the session what the pool sends, in order, and
 * tells the {@link Listener}; notifications that arrive during the handshake are applied too. A line that cannot
 * be used is skipped with a warning in the log.
 *
 * <p>Lines to the pool go through a {@link StratumLineWriter}: one writer thread sends whatever is queued in one
 * socket write, in order. {@link #submit} waits while {@link #SUBMIT_QUEUE_LIMIT} lines are queued (a pool that
 * reads slower than shares come holds the submitter back); after the reply timeout it gives up with a lost result.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; listener calls come from the reader thread.
 */
public final class StratumClient implements AutoCloseable {
    public static final String VERSION = "jckpool/0.1";
    /** Lines queued for the pool beyond which {@link #submit} waits for the writer. */
    public static final int SUBMIT_QUEUE_LIMIT = 16_384;

    /** What the pool tells us, on the reader thread. */
    public interface Listener {
        default void onNotify(StratumClient c, Notify n) {
        }

        default void onDifficulty(StratumClient c, double diff) {
        }

        default void onExtranonce(StratumClient c, String extranonce1, int extranonce2Size) {
        }

        default void onVersionMask(StratumClient c, int mask) {
        }

        /** client.reconnect: host null = the same host; port 0 = the same port. */
        default void onReconnectRequest(StratumClient c, String host, int port, int waitSeconds) {
        }

        default void onMessage(StratumClient c, String text) {
        }

        /** The connection ended (once); {@code reason} says why. */
        default void onClosed(StratumClient c, String reason) {
        }
    }

    /**
     * @param versionMask       version bits to ask for with mining.configure; 0 = do not configure
     * @param resumeSessionId   session id of an earlier connection to ask the pool to resume, or null
     */
    public record Options(String host, int port, String user, String pass, String userAgent, int versionMask,
                          boolean extranonceSubscribe, String resumeSessionId, int connectTimeoutMillis,
                          int replyTimeoutMillis) {
        public Options withResume(String sessionId) {
            return new Options(host, port, user, pass, userAgent, versionMask, extranonceSubscribe, sessionId,
                    connectTimeoutMillis, replyTimeoutMillis);
        }

        StratumClientSession.Handshake handshake() {
            return new StratumClientSession.Handshake(userAgent, user, pass, versionMask, 2, extranonceSubscribe,
                    resumeSessionId, null);
        }
    }

    private final Options opts;
    private final Listener listener;
    private final StratumClientSession session;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Completes with the authorize reply, or fails when the handshake cannot finish. */
    private final CompletableFuture<StratumMessage> handshakeDone = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Socket socket;
    private volatile StratumLineWriter writer;
    private volatile boolean resumed;
    private volatile Notify lastNotify;
    private volatile long lastNotifyMillis;
    private volatile long lastRoundTripMillis = -1;
    private volatile String closeReason;

    private record Pending(CompletableFuture<StratumMessage> reply, long sentNanos) {
    }

    public StratumClient(Options opts, Listener listener) {
        this.opts = opts;
        this.listener = listener;
        this.session = new StratumClientSession(opts.handshake(), this::write, new SessionEvents());
    }

    /** Connects and runs the handshake; throws when the pool cannot be reached, refuses or answers nonsense. */
    public void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(opts.host(), opts.port()), opts.connectTimeoutMillis());
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
        } catch (IOException e) {
            s.close();
            // never open: isOpen() must say so, or an owner that reconnects on !isOpen() never tries again
            closeReason = "cannot connect: " + e.getMessage();
            closed.set(true);
            throw e;
        }
        socket = s;
        writer = new StratumLineWriter(s.getOutputStream(), SUBMIT_QUEUE_LIMIT,
                "stratum-w-" + opts.host() + ":" + opts.port(),
                e -> close("write failed: " + e.getMessage())).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> readLoop(in), "stratum-" + opts.host() + ":" + opts.port());
        reader.setDaemon(true);
        reader.start();
        try {
            session.start();
            StratumMessage auth = awaitHandshake();
            if (!auth.isSuccess()) {
                throw new StratumProtocolException("mining.authorize refused for " + opts.user()
                        + (auth.error() == null ? "" : ": " + auth.error()));
            }
        } catch (IOException | RuntimeException e) {
            close("handshake failed: " + e.getMessage());
            throw e;
        }
    }

    private StratumMessage awaitHandshake() throws IOException {
        String what = "mining.authorize";
        try {
            return handshakeDone.get(opts.replyTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            what = session.subscribed() ? what : "mining.subscribe";
            throw new SocketTimeoutException("no answer to " + what + " in " + opts.replyTimeoutMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StratumProtocolException p) {
                throw p;
            }
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what);
        }
    }

    /** The session's events, on the reader thread. */
    private final class SessionEvents implements StratumClientSession.Handler {
        @Override
        public void onSubscribed(SubscribeResult r) {
            resumed = opts.resumeSessionId() != null && opts.resumeSessionId().equalsIgnoreCase(r.sessionId());
        }

        @Override
        public void onSubscribeFailed(String reason) {
            handshakeDone.completeExceptionally(new StratumProtocolException(reason));
        }

        @Override
        public void onAuthorized(StratumMessage reply) {
            if (!session.subscribed() && reply.isSuccess()) {
                handshakeDone.completeExceptionally(new StratumProtocolException("authorised but not subscribed"));
            }
            handshakeDone.complete(reply);
        }

        @Override
        public void onNotify(Notify n) {
            lastNotify = n;
            lastNotifyMillis = System.currentTimeMillis();
            listener.onNotify(StratumClient.this, n);
        }

        @Override
        public void onDifficulty(double d) {
            listener.onDifficulty(StratumClient.this, d);
        }

        @Override
        public void onExtranonce(String en1, int size) {
            listener.onExtranonce(StratumClient.this, en1, size);
        }

        @Override
        public void onVersionMask(int mask) {
            listener.onVersionMask(StratumClient.this, mask);
        }

        @Override
        public void onReconnectRequest(String host, int port, int waitSeconds) {
            listener.onReconnectRequest(StratumClient.this, host, port, waitSeconds);
        }

        @Override
        public void onMessage(String text) {
            listener.onMessage(StratumClient.this, text);
        }

        @Override
        public void onMalformed(String why, String line) {
            Log.warning("upstream %s:%d sent a line that was skipped (%s): %s", opts.host(), opts.port(), why,
                    StratumCodec.abbreviate(line));
        }

        @Override
        public void onReply(StratumMessage m) {
            Pending p = pending.remove(m.idLong());
            if (p != null) {
                lastRoundTripMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.sentNanos());
                p.reply().complete(m);
            }
        }
    }

    /** Sends a request and returns its reply to come (failed when the connection closes first). */
    public CompletableFuture<StratumMessage> send(String method, Object... params) {
        long id = session.nextId();
        return send(id, StratumCodec.request(id, method, params));
    }

    private CompletableFuture<StratumMessage> send(long id, String line) {
        CompletableFuture<StratumMessage> f = new CompletableFuture<>();
        pending.put(id, new Pending(f, System.nanoTime()));
        if (!write(line)) {
            pending.remove(id);
            f.completeExceptionally(new IOException("connection closed"));
        }
        return f;
    }

    /**
     * Submits a share; the future completes with the pool's verdict, or with {@link SubmitResult#lost} when the
     * connection closes or no answer comes within the reply timeout. {@code versionBits} null = no sixth param.
     */
    public CompletableFuture<SubmitResult> submit(String worker, String jobId, String extranonce2, String ntime,
                                                  String nonce, String versionBits) {
        long start = System.nanoTime();
        StratumLineWriter w = writer;
        try {
            if (w != null && !w.awaitRoom(opts.replyTimeoutMillis(), TimeUnit.MILLISECONDS) && isOpen()) {
                return CompletableFuture.completedFuture(SubmitResult.lost("upstream write queue full"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(SubmitResult.lost("interrupted"));
        }
        long id = session.nextId();
        CompletableFuture<StratumMessage> f = send(id,
                StratumCodec.submit(id, worker, jobId, extranonce2, ntime, nonce, versionBits));
        return f.orTimeout(opts.replyTimeoutMillis(), TimeUnit.MILLISECONDS).handle((m, e) -> {
            if (e != null) {
                return SubmitResult.lost(e instanceof TimeoutException ? "no answer" : String.valueOf(e.getMessage()));
            }
            long rtt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new SubmitResult(m.isSuccess(), false, m.isSuccess() ? null : m.error(), rtt);
        });
    }

    /** Queues a line for the writer; false when closed (or not yet connected). */
    private boolean write(String line) {
        StratumLineWriter w = writer;
        return !closed.get() && w != null && w.add(line);
    }

    /** Lines waiting for the writer. */
    public int queuedLines() {
        StratumLineWriter w = writer;
        return w == null ? 0 : w.queued();
    }

    /** Socket writes so far and the lines they carried (lines / writes = mean batch). */
    public long socketWrites() {
        StratumLineWriter w = writer;
        return w == null ? 0 : w.writes();
    }

    public long linesWritten() {
        StratumLineWriter w = writer;
        return w == null ? 0 : w.lines();
    }

    private void readLoop(BufferedReader in) {
        String reason = "closed by the pool";
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    session.onLine(line);
                }
            }
        } catch (IOException e) {
            reason = closed.get() ? closeReason : "read failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "failed on a message from the pool: " + e;
        }
        close(reason);
    }

    /** Closes with a reason (the first reason wins); pending requests fail; the listener hears once. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        StratumLineWriter w = writer;
        if (w != null) {
            w.close();
        }
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        IOException gone = new IOException(reason);
        handshakeDone.completeExceptionally(gone);
        pending.values().forEach(p -> p.reply().completeExceptionally(gone));
        pending.clear();
        listener.onClosed(this, reason);
    }

    @Override
    public void close() {
        close("closed");
    }

    public boolean isOpen() {
        return !closed.get();
    }

    public Options options() {
        return opts;
    }

    public String extranonce1() {
        return session.extranonce1();
    }

    public int extranonce2Size() {
        return session.extranonce2Size();
    }

    public String sessionId() {
        return session.sessionId();
    }

    /** True when the pool gave back the session id we asked to resume. */
    public boolean resumed() {
        return resumed;
    }

    public double difficulty() {
        return session.difficulty();
    }

    /** The version-rolling mask the pool granted (0 = none). */
    public int versionMask() {
        return session.versionMask();
    }

    public Notify lastNotify() {
        return lastNotify;
    }

    public long lastNotifyMillis() {
        return lastNotifyMillis;
    }

    /** Round trip of the last answered request, in ms (-1 before any). */
    public long lastRoundTripMillis() {
        return lastRoundTripMillis;
    }
}
