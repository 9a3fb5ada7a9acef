package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of one Stratum v1 connection, without its I/O: the state machine that {@link StratumClient}
 * (a blocking socket) and a non-blocking many-connection caller share. The caller hands it each line the pool
 * sends; it writes the handshake and its answers through {@link Output} and tells the {@link Handler} what the
 * pool said, in order.
 *
 * <p>{@link #start()} sends the handshake at once, pipelined: {@code mining.configure} (version rolling, when a
 * mask is wanted), {@code mining.subscribe} (user agent and, to resume, the previous session id),
 * {@code mining.extranonce.subscribe} (when wanted), {@code mining.authorize}, {@code mining.suggest_difficulty}
 * (when given). Replies to those are read here; replies to the caller's own requests (submits, sent with ids from
 * {@link #nextId()}) go to {@link Handler#onReply}. It applies {@code mining.set_difficulty},
 * {@code mining.notify}, {@code mining.set_extranonce}, {@code mining.set_version_mask}, {@code client.reconnect}
 * (empty host or port: the same) and {@code client.show_message}; answers {@code mining.ping} ("pong") and
 * {@code client.get_version} (the user agent) and refuses other requests. A line or message it cannot use goes to
 * {@link Handler#onMalformed} and the session goes on.
 *
 * <p>Not thread-safe, except {@link #nextId()} and the getters: one thread hands it lines.
 */
public final class StratumClientSession {
    /** Longest pool line read: a notify with a large coinbase is tens of kilobytes. */
    public static final int MAX_LINE = 128 * 1024;
    private static final StratumLineParser PARSER = new StratumLineParser(MAX_LINE);
    private static final int MAX_EXTRANONCE2_SIZE = 32;
    private static final int MAX_RECONNECT_WAIT_SECONDS = 3600;

    /**
     * What the handshake asks for.
     *
     * @param versionMask       version bits to ask for with mining.configure; 0 = no mining.configure
     * @param resumeSessionId   session id of an earlier connection to resume, or null
     * @param suggestDifficulty sent as mining.suggest_difficulty after authorize when not null
     */
    public record Handshake(String userAgent, String user, String pass, int versionMask, int minBitCount,
                            boolean extranonceSubscribe, String resumeSessionId, Double suggestDifficulty) {
    }

    /** Where lines to the pool go (without newline). */
    public interface Output {
        void send(String line);
    }

    /** What the pool says, on the thread that hands lines in. */
    public interface Handler {
        /** mining.configure answered: the granted mask within the one asked for (0 = no version rolling). */
        default void onConfigured(int grantedMask) {
        }

        void onSubscribed(SubscribeResult result);

        /** mining.subscribe refused or unreadable: the connection is of no use. */
        void onSubscribeFailed(String reason);

        /** mining.authorize answered: {@code reply.isSuccess()} tells whether the worker is in. */
        void onAuthorized(StratumMessage reply);

        default void onNotify(Notify notify) {
        }

        default void onDifficulty(double difficulty) {
        }

        default void onExtranonce(String extranonce1, int extranonce2Size) {
        }

        default void onVersionMask(int mask) {
        }

        /** client.reconnect: host null = the same host; port 0 = the same port. */
        default void onReconnectRequest(String host, int port, int waitSeconds) {
        }

        default void onMessage(String text) {
        }

        /** A reply to a request the caller sent with an id from {@link #nextId()}. */
        default void onReply(StratumMessage reply) {
        }

        /** A notification or request this session does not know (requests are answered with an error). */
        default void onUnknownMethod(StratumMessage m) {
        }

        /** A line or message that could not be used; the session goes on. */
        default void onMalformed(String why, String line) {
        }
    }

    private final Handshake handshake;
    private final Output out;
    private final Handler handler;
    private final AtomicLong nextId = new AtomicLong(1);
    // Ids of the handshake's requests; -1 once answered.
    private volatile long configureId = -1;
    private volatile long subscribeId = -1;
    private volatile long authorizeId = -1;
    /** extranonce.subscribe and suggest_difficulty: their answers carry nothing we need. */
    private volatile long extranonceSubscribeId = -1;
    private volatile long suggestDifficultyId = -1;
    private volatile String extranonce1;
    private volatile int extranonce2Size;
    private volatile String sessionId;
    private volatile double difficulty = 1; // a miner assumes 1 until told otherwise
    private volatile int versionMask;
    private volatile boolean subscribed;
    private volatile boolean authorized;

    public StratumClientSession(Handshake handshake, Output out, Handler handler) {
        this.handshake = handshake;
        this.out = out;
        this.handler = handler;
    }

    /** Sends the handshake. Each request's id is noted before it is sent: its reply may come on another thread. */
    public void start() {
        if (handshake.versionMask() != 0) {
            ObjectNode o = Json.object();
            o.put("version-rolling.mask", String.format("%08x", handshake.versionMask()));
            o.put("version-rolling.min-bit-count", handshake.minBitCount());
            configureId = nextId();
            send(configureId, "mining.configure", Json.MAPPER.createArrayNode().add("version-rolling"), o);
        }
        String resume = handshake.resumeSessionId();
        subscribeId = nextId();
        if (resume == null || resume.isEmpty()) {
            send(subscribeId, "mining.subscribe", handshake.userAgent());
        } else {
            send(subscribeId, "mining.subscribe", handshake.userAgent(), resume);
        }
        if (handshake.extranonceSubscribe()) {
            extranonceSubscribeId = nextId();
            send(extranonceSubscribeId, "mining.extranonce.subscribe");
        }
        authorizeId = nextId();
        send(authorizeId, "mining.authorize", handshake.user(), handshake.pass() == null ? "" : handshake.pass());
        if (handshake.suggestDifficulty() != null) {
            suggestDifficultyId = nextId();
            send(suggestDifficultyId, "mining.suggest_difficulty", handshake.suggestDifficulty());
        }
    }

    /** An id for a request of the caller's own; its reply comes to {@link Handler#onReply}. Thread-safe. */
    public long nextId() {
        return nextId.getAndIncrement();
    }

    private void send(long id, String method, Object... params) {
        out.send(StratumCodec.request(id, method, params));
    }

    /** One line from the pool, in UTF-8 bytes without its newline. */
    public void onLine(byte[] buf, int off, int len) {
        StratumMessage m;
        try {
            m = PARSER.parse(buf, off, len);
        } catch (StratumProtocolException e) {
            handler.onMalformed(e.getMessage(), new String(buf, off, Math.min(len, 300), StandardCharsets.UTF_8));
            return;
        }
        handle(m, buf, off, len);
    }

    /** One line from the pool, without its newline. */
    public void onLine(String line) {
        StratumMessage m;
        try {
            m = PARSER.parse(line);
        } catch (StratumProtocolException e) {
            handler.onMalformed(e.getMessage(), line);
            return;
        }
        handle(m, null, 0, 0);
    }

    private void handle(StratumMessage m, byte[] buf, int off, int len) {
        try {
            if (m.kind() == StratumMessage.Kind.REPLY) {
                reply(m);
            } else {
                method(m);
            }
        } catch (StratumProtocolException e) {
            handler.onMalformed(e.getMessage(), buf == null ? m.toString()
                    : new String(buf, off, Math.min(len, 300), StandardCharsets.UTF_8));
        }
    }

    private void reply(StratumMessage m) {
        long id = m.idLong();
        if (id < 0) {
            handler.onReply(m);
        } else if (id == configureId) {
            configureId = -1;
            configured(m);
        } else if (id == subscribeId) {
            subscribeId = -1;
            subscribedReply(m);
        } else if (id == authorizeId) {
            authorizeId = -1;
            authorized = m.isSuccess();
            handler.onAuthorized(m);
        } else if (id == extranonceSubscribeId || id == suggestDifficultyId) {
            // nothing to do: pools without the method answer with an error
        } else {
            handler.onReply(m);
        }
    }

    private void configured(StratumMessage m) {
        JsonNode r = m.resultNode();
        int granted = 0;
        if (m.error() == null && r.path("version-rolling").asBoolean(false)) {
            try {
                granted = (int) Long.parseLong(r.path("version-rolling.mask").asText(""), 16) & handshake.versionMask();
            } catch (NumberFormatException e) {
                handler.onMalformed("mining.configure version-rolling.mask is not hex", m.toString());
            }
        }
        versionMask = granted;
        handler.onConfigured(granted);
    }

    private void subscribedReply(StratumMessage m) {
        if (m.error() != null) {
            handler.onSubscribeFailed("mining.subscribe refused: " + m.error());
            return;
        }
        SubscribeResult r;
        try {
            r = SubscribeResult.parse(m.resultNode());
        } catch (StratumProtocolException e) {
            handler.onSubscribeFailed("bad mining.subscribe reply: " + e.getMessage());
            return;
        }
        extranonce1 = r.extranonce1();
        extranonce2Size = r.extranonce2Size();
        sessionId = r.sessionId();
        subscribed = true;
        handler.onSubscribed(r);
    }

    private void method(StratumMessage m) {
        switch (m.method()) {
            case "mining.notify" -> handler.onNotify(Notify.parse(m));
            case "mining.set_difficulty" -> {
                double d = m.number(0);
                if (!(d > 0) || Double.isInfinite(d)) {
                    throw new StratumProtocolException("mining.set_difficulty is not a positive number: " + m.param(0));
                }
                difficulty = d;
                handler.onDifficulty(d);
            }
            case "mining.set_extranonce" -> {
                String en1 = m.string(0);
                if (en1 == null || !Hex.isHex(en1) || (en1.length() & 1) != 0) {
                    throw new StratumProtocolException("mining.set_extranonce extranonce1 is not hex: " + m.param(0));
                }
                if (!(m.param(1) instanceof Long size) || size < 0 || size > MAX_EXTRANONCE2_SIZE) {
                    throw new StratumProtocolException("mining.set_extranonce extranonce2_size is not 0.."
                            + MAX_EXTRANONCE2_SIZE + ": " + m.param(1));
                }
                extranonce1 = en1.toLowerCase(Locale.ROOT);
                extranonce2Size = size.intValue();
                handler.onExtranonce(extranonce1, extranonce2Size);
            }
            case "mining.set_version_mask" -> {
                int mask;
                try {
                    mask = (int) Long.parseLong(String.valueOf(m.string(0)), 16);
                } catch (NumberFormatException e) {
                    throw new StratumProtocolException("mining.set_version_mask is not hex: " + m.param(0));
                }
                if (handshake.versionMask() != 0) {
                    versionMask = mask & handshake.versionMask(); // valid at once (BIP310)
                    handler.onVersionMask(versionMask);
                }
            }
            case "client.reconnect" -> {
                String host = m.string(0) != null && !m.string(0).isEmpty() ? m.string(0) : null;
                int port = reconnectPort(m.param(1));
                double wait = m.number(2);
                answer(m, true);
                handler.onReconnectRequest(host, port, wait > 0 ? (int) Math.min(wait, MAX_RECONNECT_WAIT_SECONDS) : 0);
            }
            case "client.show_message" -> {
                answer(m, true);
                handler.onMessage(m.string(0) == null ? "" : m.string(0));
            }
            case "mining.ping" -> answer(m, "pong");
            case "client.get_version" -> answer(m, handshake.userAgent());
            default -> {
                if (m.kind() == StratumMessage.Kind.REQUEST) {
                    out.send(StratumCodec.error(m.idJson(), 20, "Method not supported: " + m.method()));
                }
                handler.onUnknownMethod(m);
            }
        }
    }

    /** 0 (the same port) when missing or empty; else 1..65535. */
    private static int reconnectPort(Object p) {
        if (p == null || "".equals(p)) {
            return 0;
        }
        long port;
        if (p instanceof Long l) {
            port = l;
        } else if (p instanceof String s) {
            try {
                port = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new StratumProtocolException("client.reconnect port is not a number: " + s);
            }
        } else {
            throw new StratumProtocolException("client.reconnect port is not a number: " + p);
        }
        if (port < 1 || port > 65535) {
            throw new StratumProtocolException("client.reconnect port out of range: " + port);
        }
        return (int) port;
    }

    private void answer(StratumMessage m, Object result) {
        if (m.kind() == StratumMessage.Kind.REQUEST) {
            out.send(StratumCodec.result(m.idJson(), result));
        }
    }

    public Handshake handshake() {
        return handshake;
    }

    public String extranonce1() {
        return extranonce1;
    }

    public int extranonce2Size() {
        return extranonce2Size;
    }

    /** The session id to resume with (the pool's notify subscription id, else extranonce1), or null. */
    public String sessionId() {
        return sessionId;
    }

    public double difficulty() {
        return difficulty;
    }

    /** The version-rolling mask the pool granted (0 = none). */
    public int versionMask() {
        return versionMask;
    }

    public boolean subscribed() {
        return subscribed;
    }

    public boolean authorized() {
        return authorized;
    }
}
