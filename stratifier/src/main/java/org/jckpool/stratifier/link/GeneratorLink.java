package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.ReconnectingStream;
import org.jckpool.libpool.retry.Backoff;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.share.BlockSolution;
import org.jckpool.stratifier.share.SolutionOutcome;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stratifier's persistent stream to the generator (docs/INTERNALS.md "generator ↔ stratifier"). A
 * {@link ReconnectingStream} opens it, retrying with back-off (100 ms doubling to 2 s) until the generator
 * answers, and reopens it when it drops. Solved blocks are sent without blocking the share path; a block that finds no open stream waits
 * and goes out as soon as the stream is back. A block is kept until its {@code submitblock.result} comes back and
 * is sent again on every reconnect, acknowledged ({@code submitblock.received}) or not: a generator that died
 * between receiving and submitting it has forgotten it (the node takes a block twice as "duplicate").
 */
public final class GeneratorLink implements AutoCloseable {
    public static final String PEER = "stratifier";
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 2_000;
    /** Frames the stream queues: room for a few seconds of forwarded shares at 10,000/s (proxy mode). */
    static final int QUEUE_FRAMES = 65_536;
    /** How long a forwarded share waits for queue room before the generator counts as stuck. */
    static final long SHARE_WAIT_MS = 5_000;

    private final Path socket;
    private final GeneratorListener listener;
    private final Map<Long, BlockSubmission> pending = new ConcurrentHashMap<>();
    /** Ids from the clock: a result sent to the stream of our predecessor must not match one of ours. */
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final ReconnectingStream link;
    private volatile FrameStream stream;
    /** A share waited {@link #SHARE_WAIT_MS} in vain; until the queue takes one again, shares do not wait. */
    private volatile boolean stuck;
    private volatile long shareWaitMillis = SHARE_WAIT_MS;
    private final AtomicLong shareWaits = new AtomicLong();
    private final AtomicLong shareWaitNanos = new AtomicLong();

    public GeneratorLink(Path socket, GeneratorListener listener) {
        this.socket = socket;
        this.listener = listener;
        this.link = new ReconnectingStream("generator-link",
                new Backoff(Duration.ofMillis(FIRST_RETRY_MS), Duration.ofMillis(MAX_RETRY_MS)), Duration.ZERO,
                new Streams());
    }

    public GeneratorLink start() {
        link.start();
        return this;
    }

    public boolean connected() {
        FrameStream s = stream;
        return s != null && s.isOpen();
    }

    /** How often the stream has been opened (1 after the first connect). */
    public long connects() {
        return link.connects();
    }

    /** Frames waiting in the stream's queue (0 without a stream). */
    public int queued() {
        FrameStream s = stream;
        return s == null ? 0 : s.queued();
    }

    /** Blocks sent (or waiting to be sent) whose result has not come back. */
    public int pendingBlocks() {
        return pending.size();
    }

    /** Blocks the generator has not yet confirmed receiving (submitblock.received). */
    public int unacknowledgedBlocks() {
        return (int) pending.keySet().stream().filter(id -> !acknowledged.contains(id)).count();
    }

    /** Asks the generator for a fresh template; false when there is no stream. */
    public boolean requestUpdate() {
        FrameStream s = stream;
        return s != null && s.trySend(Frames.utf8("{\"method\":\"update\"}"));
    }

    /** Sends one JSON message without blocking; false when there is no stream or its queue is full (proxy mode). */
    public boolean sendMessage(String json) {
        FrameStream s = stream;
        return s != null && s.trySend(Frames.utf8(json));
    }

    /**
     * Sends a forwarded share (proxy mode). When the queue is full it waits up to {@link #SHARE_WAIT_MS} for room:
     * the share path slows to what the generator takes instead of dropping shares. False when there is no stream,
     * or the generator took nothing for that long (stuck: later shares do not wait until the queue moves again).
     */
    public boolean sendShare(String json) {
        FrameStream s = stream;
        if (s == null) {
            return false;
        }
        byte[] frame = Frames.utf8(json);
        if (s.trySend(frame)) {
            stuck = false;
            return true;
        }
        if (stuck) {
            return false;
        }
        long start = System.nanoTime();
        boolean sent = s.send(frame, shareWaitMillis, TimeUnit.MILLISECONDS);
        shareWaits.incrementAndGet();
        shareWaitNanos.addAndGet(System.nanoTime() - start);
        stuck = !sent && s.isOpen();
        return sent;
    }

    /** Tests: a shorter wait than {@link #SHARE_WAIT_MS}. */
    GeneratorLink shareWaitMillis(long ms) {
        this.shareWaitMillis = ms;
        return this;
    }

    /** True after a share waited {@link #SHARE_WAIT_MS} for queue room in vain (until one is queued again). */
    public boolean stuck() {
        return stuck;
    }

    /** Shares that had to wait for queue room (back-pressure), and the time they waited in all. */
    public long shareWaits() {
        return shareWaits.get();
    }

    public long shareWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(shareWaitNanos.get());
    }

    /** Sends a solution to the generator without blocking (it waits for the stream when there is none). */
    public void send(BlockSolution solution) {
        submit(solution.hex(), solution.hash(), solution.height());
    }

    void submit(String blockHex, String hashRpc, long height) {
        BlockSubmission b = new BlockSubmission(ids.incrementAndGet(), hashRpc, height, blockHex);
        pending.put(b.id(), b);
        FrameStream s = stream;
        if (s == null || !s.trySend(submitFrame(b))) {
            Log.warning("Block %s at height %d waits for the generator stream", hashRpc, height);
            link.wake(); // it is sent again, with every pending block, when the stream is back
        }
    }

    static byte[] submitFrame(BlockSubmission b) {
        ObjectNode o = Json.object();
        o.put("method", "submitblock");
        o.put("id", b.id());
        ObjectNode p = o.putObject("params");
        p.put("hex", b.hex());
        p.put("hash", b.hash());
        p.put("height", b.height());
        return Frames.utf8(Json.write(o));
    }

    /** Opens the stream, and on each open asks for work and sends every pending block again. */
    private final class Streams implements ReconnectingStream.Handler {
        private boolean warned;

        @Override
        public FrameStream connect() throws IOException {
            return FrameStream.connect(socket, PEER, new Reader(), QUEUE_FRAMES, FrameStream.DEFAULT_SEND_TIMEOUT_MS);
        }

        @Override
        public long connectFailed(Exception e, long backoffMillis) {
            if (!warned) {
                Log.notice("Generator not answering on %s (%s); retrying", socket, e.getMessage());
                warned = true;
            }
            return backoffMillis;
        }

        @Override
        public void up(FrameStream s, ReconnectingStream l) {
            stream = s;
            stuck = false;
            warned = false;
            Log.notice("Generator stream open");
            s.trySend(Frames.utf8("{\"method\":\"update\"}"));
            listener.streamOpened();
            for (BlockSubmission b : pending.values()) {
                s.trySend(submitFrame(b));
            }
            l.awaitClose(s, Long.MAX_VALUE);
            if (!l.isClosed()) {
                stream = null;
            }
        }

        @Override
        public long down(FrameStream s, Exception cause, boolean stable, long backoffMillis) {
            Log.warning("Generator stream lost; reconnecting");
            return backoffMillis;
        }
    }

    @Override
    public void close() {
        link.close();
        FrameStream s = stream;
        if (s != null) {
            try {
                s.flush(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.close();
        }
    }

    private final class Reader implements FrameStream.Listener {
        @Override
        public void onFrame(FrameStream s, byte[] frame) {
            JsonNode msg = Json.parseOrNull(Frames.text(frame));
            if (msg == null || !msg.isObject()) {
                Log.warning("Generator stream: ignoring a frame that is not a JSON object");
                return;
            }
            String method = Json.text(msg, "method");
            JsonNode params = msg.path("params");
            try {
                switch (method == null ? "" : method) {
                    case "template" -> {
                        JsonNode t = params.get("template");
                        if (t == null || !t.isObject()) {
                            Log.warning("Generator stream: template message without a template");
                            return;
                        }
                        listener.template(t, Json.text(params, "node"), Json.text(params, "reason"));
                    }
                    case "node.status" -> listener.nodeStatus(params);
                    case "upstream.work" -> listener.upstreamWork(params);
                    case "upstream.difficulty" -> listener.upstreamDifficulty(params);
                    case "upstream.share_result" -> listener.upstreamShareResult(params);
                    case "upstream.status" -> listener.upstreamStatus(params);
                    case "submitblock.received" -> received(msg);
                    case "submitblock.result" -> result(msg);
                    default -> Log.warning("Generator stream: unknown message %s", method);
                }
            } catch (RuntimeException e) {
                Log.err("Generator stream: handling %s failed: %s", method, e);
            }
        }

        private void received(JsonNode msg) {
            BlockSubmission b = find(msg);
            if (b != null && acknowledged.add(b.id())) {
                Log.info("Generator has block %s at height %d", b.hash(), b.height());
            }
        }

        private void result(JsonNode msg) {
            BlockSubmission b = find(msg);
            if (b == null || pending.remove(b.id()) == null) {
                // e.g. the second answer for a block sent again after a reconnect
                Log.notice("Generator stream: submitblock.result for no pending block (id %s, hash %s)",
                        msg.get("id"), Json.text(msg, "hash"));
                return;
            }
            acknowledged.remove(b.id());
            JsonNode r = msg.path("result");
            listener.blockResult(b, outcome(r), r.path("confirmed").asBoolean(false), Json.text(r, "reason"),
                    Json.text(r, "node"));
        }

        /** The pending block a message is about: by id, and when the generator names the hash, by that. */
        private BlockSubmission find(JsonNode msg) {
            JsonNode idNode = msg.get("id");
            BlockSubmission byId = idNode != null && idNode.canConvertToLong() ? pending.get(idNode.asLong()) : null;
            String hash = Json.text(msg, "hash");
            if (hash == null || byId != null && hash.equalsIgnoreCase(byId.hash())) {
                return byId;
            }
            return pending.values().stream().filter(b -> hash.equalsIgnoreCase(b.hash())).findFirst().orElse(null);
        }

        /** {@code outcome} is "accepted", "rejected" or "lost"; a generator without it sends only {@code accepted}. */
        private static SolutionOutcome outcome(JsonNode r) {
            String o = Json.text(r, "outcome");
            if ("lost".equals(o)) {
                return SolutionOutcome.LOST;
            }
            return r.path("accepted").asBoolean(false) ? SolutionOutcome.ACCEPTED : SolutionOutcome.REJECTED;
        }

        @Override
        public void onClose(FrameStream s, Throwable cause) {
            link.wake();
        }
    }
}
