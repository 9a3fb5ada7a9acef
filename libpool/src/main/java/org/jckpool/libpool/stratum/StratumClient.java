package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Stratum v1 client connection to an upstream pool, as a miner (or a proxy) speaks it.
 *
 * <p>{@link #connect()} runs the handshake on the caller's thread: TCP connect; {@code mining.configure}
 * (version rolling, when a mask is wanted; an error or refusal just means no rolling); {@code mining.subscribe}
 * (user agent and, to resume a session, the previous session id); {@code mining.extranonce.subscribe} (answer not
 * awaited: pools without it reply with an error); {@code mining.authorize}. It returns once subscribed and
 * authorised, or throws. From then on one reader thread applies what the pool sends, in order, and tells the
 * {@link Listener}: {@code mining.set_difficulty}, {@code mining.notify}, {@code mining.set_extranonce},
 * {@code mining.set_version_mask}, {@code client.reconnect} (empty params: same host), {@code client.show_message};
 * it answers {@code mining.ping} ("pong") and {@code client.get_version} itself and refuses other requests.
 * Notifications that arrive during the handshake are applied too.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; listener calls come from the reader thread.
 */
public final class StratumClient implements AutoCloseable {
    public static final String VERSION = "jckpool/0.1";
    /** Longest line taken from a pool: a notify with a large coinbase is tens of kilobytes. */
    public static final int MAX_LINE = 128 * 1024;
    private static final StratumLineParser PARSER = new StratumLineParser(MAX_LINE);

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
    }

    private final Options opts;
    private final Listener listener;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writeLock = new Object();
    private Socket socket;
    private OutputStream out;
    private volatile String extranonce1;
    private volatile int extranonce2Size;
    private volatile String sessionId;
    private volatile boolean resumed;
    private volatile double difficulty = 1;
    private volatile int versionMask;
    private volatile Notify lastNotify;
    private volatile long lastNotifyMillis;
    private volatile long lastRoundTripMillis = -1;
    private volatile String closeReason;

    private record Pending(CompletableFuture<StratumMessage> reply, long sentNanos) {
    }

    public StratumClient(Options opts, Listener listener) {
        this.opts = opts;
        this.listener = listener;
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
            throw e;
        }
        socket = s;
        out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> readLoop(in), "stratum-" + opts.host() + ":" + opts.port());
        reader.setDaemon(true);
        reader.start();
        try {
            handshake();
        } catch (IOException | RuntimeException e) {
            close("handshake failed: " + e.getMessage());
            throw e;
        }
    }

    private void handshake() throws IOException {
        CompletableFuture<StratumMessage> configure = null;
        if (opts.versionMask() != 0) {
            ObjectNode o = Json.object();
            o.put("version-rolling.mask", String.format("%08x", opts.versionMask()));
            o.put("version-rolling.min-bit-count", 2);
            configure = send("mining.configure", Json.MAPPER.createArrayNode().add("version-rolling"), o);
        }
        CompletableFuture<StratumMessage> sub = opts.resumeSessionId() == null
                ? send("mining.subscribe", opts.userAgent())
                : send("mining.subscribe", opts.userAgent(), opts.resumeSessionId());
        if (configure != null) {
            StratumMessage c = await(configure, "mining.configure");
            JsonNode r = c.resultNode();
            if (c.error() == null && r != null && r.path("version-rolling").asBoolean(false)) {
                try {
                    versionMask = (int) Long.parseLong(r.path("version-rolling.mask").asText("0"), 16);
                } catch (NumberFormatException e) {
                    versionMask = 0;
                }
            }
        }
        StratumMessage sr = await(sub, "mining.subscribe");
        if (sr.error() != null) {
            throw new StratumProtocolException("mining.subscribe refused: " + sr.error());
        }
        SubscribeResult r = SubscribeResult.parse(sr.resultNode());
        resumed = opts.resumeSessionId() != null && opts.resumeSessionId().equalsIgnoreCase(r.sessionId());
        sessionId = r.sessionId();
        extranonce1 = r.extranonce1();
        extranonce2Size = r.extranonce2Size();
        if (opts.extranonceSubscribe()) {
            send("mining.extranonce.subscribe");
        }
        StratumMessage auth = await(send("mining.authorize", opts.user(), opts.pass() == null ? "" : opts.pass()),
                "mining.authorize");
        if (!auth.isSuccess()) {
            throw new StratumProtocolException("mining.authorize refused for " + opts.user()
                    + (auth.error() == null ? "" : ": " + auth.error()));
        }
    }

    private StratumMessage await(CompletableFuture<StratumMessage> f, String what) throws IOException {
        try {
            return f.get(opts.replyTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no answer to " + what + " in " + opts.replyTimeoutMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what);
        }
    }

    /** Sends a request and returns its reply to come (failed when the connection closes first). */
    public CompletableFuture<StratumMessage> send(String method, Object... params) {
        long id = nextId.getAndIncrement();
        CompletableFuture<StratumMessage> f = new CompletableFuture<>();
        pending.put(id, new Pending(f, System.nanoTime()));
        if (!write(StratumCodec.request(id, method, params))) {
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
        CompletableFuture<StratumMessage> f = versionBits == null
                ? send("mining.submit", worker, jobId, extranonce2, ntime, nonce)
                : send("mining.submit", worker, jobId, extranonce2, ntime, nonce, versionBits);
        return f.orTimeout(opts.replyTimeoutMillis(), TimeUnit.MILLISECONDS).handle((m, e) -> {
            if (e != null) {
                return SubmitResult.lost(e instanceof TimeoutException ? "no answer" : String.valueOf(e.getMessage()));
            }
            long rtt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new SubmitResult(m.isSuccess(), false, m.isSuccess() ? null : m.error(), rtt);
        });
    }

    private boolean write(String line) {
        if (closed.get()) {
            return false;
        }
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            try {
                out.write(b);
                out.flush();
                return true;
            } catch (IOException e) {
                close("write failed: " + e.getMessage());
                return false;
            }
        }
    }

    private void readLoop(BufferedReader in) {
        String reason = "closed by the pool";
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                StratumMessage m;
                try {
                    m = PARSER.parse(line);
                } catch (StratumProtocolException e) {
                    reason = e.getMessage();
                    break;
                }
                handle(m);
            }
        } catch (IOException e) {
            reason = closed.get() ? closeReason : "read failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "bad message from the pool: " + e.getMessage();
        }
        close(reason);
    }

    void handle(StratumMessage m) {
        switch (m.kind()) {
            case REPLY -> {
                Pending p = pending.remove(m.idLong());
                if (p != null) {
                    lastRoundTripMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.sentNanos());
                    p.reply().complete(m);
                }
            }
            case REQUEST, NOTIFICATION -> method(m);
        }
    }

    private void method(StratumMessage m) {
        switch (m.method()) {
            case "mining.notify" -> {
                Notify n = Notify.parse(m);
                lastNotify = n;
                lastNotifyMillis = System.currentTimeMillis();
                listener.onNotify(this, n);
            }
            case "mining.set_difficulty" -> {
                double d = m.number(0);
                if (d > 0) {
                    difficulty = d;
                    listener.onDifficulty(this, d);
                }
            }
            case "mining.set_extranonce" -> {
                String en1 = m.string(0) == null ? "" : m.string(0);
                int size = m.param(1) instanceof Long l && l >= 0 && l <= 32 ? l.intValue() : -1;
                if (!en1.isEmpty() && org.jckpool.libpool.bitcoin.Hex.isHex(en1) && size >= 0) {
                    extranonce1 = en1.toLowerCase(java.util.Locale.ROOT);
                    extranonce2Size = size;
                    listener.onExtranonce(this, extranonce1, size);
                }
            }
            case "mining.set_version_mask" -> {
                try {
                    versionMask = (int) Long.parseLong(String.valueOf(m.string(0)), 16) & (opts.versionMask());
                    listener.onVersionMask(this, versionMask);
                } catch (NumberFormatException e) {
                    // ignore a mask we cannot read
                }
            }
            case "client.reconnect" -> {
                String host = m.string(0) != null && !m.string(0).isEmpty() ? m.string(0) : null;
                double p = m.number(1);
                int port = p >= 1 && p <= 65535 ? (int) p : 0;
                double w = m.number(2);
                int wait = w > 0 ? (int) Math.min(w, 3600) : 0;
                replyIfRequest(m, true);
                listener.onReconnectRequest(this, host, port, wait);
            }
            case "client.show_message" -> {
                replyIfRequest(m, true);
                listener.onMessage(this, m.string(0) == null ? "" : m.string(0));
            }
            case "mining.ping" -> replyIfRequest(m, "pong");
            case "client.get_version" -> replyIfRequest(m, VERSION);
            default -> {
                if (m.kind() == StratumMessage.Kind.REQUEST) {
                    write(StratumCodec.error(m.idJson(), 20, "Method not supported: " + m.method()));
                }
            }
        }
    }

    private void replyIfRequest(StratumMessage m, Object result) {
        if (m.kind() == StratumMessage.Kind.REQUEST) {
            write(StratumCodec.result(m.idJson(), result));
        }
    }

    /** Closes with a reason (the first reason wins); pending requests fail; the listener hears once. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        IOException gone = new IOException(reason);
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
        return extranonce1;
    }

    public int extranonce2Size() {
        return extranonce2Size;
    }

    public String sessionId() {
        return sessionId;
    }

    /** True when the pool gave back the session id we asked to resume. */
    public boolean resumed() {
        return resumed;
    }

    public double difficulty() {
        return difficulty;
    }

    /** The version-rolling mask the pool granted (0 = none). */
    public int versionMask() {
        return versionMask;
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
