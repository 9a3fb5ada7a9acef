package org.jckpool.generator.link;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.node.NodesSnapshot;
import org.jckpool.generator.submit.BlockBroadcaster;
import org.jckpool.generator.submit.SubmitOutcome;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The generator's side of the persistent stream the stratifier opens on the generator's socket
 * (docs/INTERNALS.md "generator ↔ stratifier"). Pushes {@code template} and {@code node.status}; answers
 * {@code update} and {@code submitblock} (with {@code submitblock.result}). When the stream drops the generator
 * keeps working and sends the current node status and last template as soon as a stream is open again.
 */
public final class StratifierStreamAcceptor implements ControlServer.StreamAcceptor {

    private final TemplateFetcher fetcher;
    private final BlockBroadcaster submitter;
    private final NodeManager nodes;
    private final StratifierStreams streams;
    /** Block hash (lower case) → its submission in progress. */
    private final Map<String, CompletableFuture<SubmitOutcome>> inFlight = new ConcurrentHashMap<>();

    public StratifierStreamAcceptor(TemplateFetcher fetcher, BlockBroadcaster submitter, NodeManager nodes) {
        this.fetcher = fetcher;
        this.submitter = submitter;
        this.nodes = nodes;
        this.streams = new StratifierStreams("", "; keeping the last template for when it reconnects", this::greet,
                this::handle);
        fetcher.addListener(this::pushTemplate);
        nodes.addListener(this::pushStatus);
    }

    @Override
    public FrameStream.Listener open(String peer) {
        return streams.open(peer);
    }

    /** Number of open stratifier streams. */
    public int connected() {
        return streams.connected();
    }

    private void greet(FrameStream stream) {
        send(stream, statusFrame(nodes.status()));
        FetchedTemplate t = fetcher.current();
        if (t != null) {
            send(stream, TemplateMessage.encode(t.withReason(FetchedTemplate.START)));
        } // else the first template is on its way (or waits for a live node) and is pushed to every stream
    }

    private void handle(FrameStream stream, JsonNode msg) {
        String method = Json.text(msg, "method");
        if ("update".equals(method)) {
            fetcher.request(FetchedTemplate.UPDATE);
        } else if ("submitblock".equals(method)) {
            handleSubmit(stream, msg);
        } else {
            StreamSends.unknownMethod(stream, msg, "unknown method: " + method);
        }
    }

    /**
     * Acknowledges at once ({@code submitblock.received}), then submits. The stratifier keeps the block until the
     * result comes and sends it again after a reconnect; a block already being submitted is not submitted twice,
     * the request waits for the same outcome.
     */
    private void handleSubmit(FrameStream stream, JsonNode msg) {
        JsonNode id = msg.get("id");
        JsonNode p = msg.path("params");
        String hex = Json.text(p, "hex");
        String hash = Json.text(p, "hash");
        long height = p.path("height").canConvertToLong() ? p.path("height").asLong() : -1;
        send(stream, receivedFrame(id, hash));
        CompletableFuture<SubmitOutcome> outcome;
        if (hash == null) {
            outcome = submitter.submit(hex, null, height);
        } else {
            String key = hash.toLowerCase(Locale.ROOT);
            CompletableFuture<SubmitOutcome> mine = new CompletableFuture<>();
            outcome = inFlight.putIfAbsent(key, mine);
            if (outcome == null) {
                outcome = mine;
                submitter.submit(hex, hash, height).whenComplete((o, e) -> {
                    inFlight.remove(key, mine);
                    mine.complete(o);
                });
            } else {
                Log.notice("Block %s is being submitted already: waiting for that outcome", hash);
            }
        }
        outcome.thenAccept(o -> streams.reply(stream, resultFrame(id, hash, o)));
    }

    static byte[] receivedFrame(JsonNode id, String hash) {
        ObjectNode o = Json.object();
        o.put("method", "submitblock.received");
        o.set("id", id == null ? Json.MAPPER.nullNode() : id);
        o.put("hash", hash);
        return Frames.utf8(Json.write(o));
    }

    static byte[] resultFrame(JsonNode id, String hash, SubmitOutcome outcome) {
        ObjectNode o = Json.object();
        o.put("method", "submitblock.result");
        o.set("id", id == null ? Json.MAPPER.nullNode() : id);
        o.put("hash", hash);
        o.set("result", outcome.toJson());
        return Frames.utf8(Json.write(o));
    }

    private void pushTemplate(FetchedTemplate t) {
        if (streams.connected() == 0) {
            return;
        }
        streams.sendToAll(TemplateMessage.encode(t));
    }

    private void pushStatus(NodesSnapshot status) {
        streams.sendToAll(statusFrame(status));
    }

    static byte[] statusFrame(NodesSnapshot status) {
        ObjectNode o = Json.object();
        o.put("method", "node.status");
        o.set("params", status.toParams());
        return Frames.utf8(Json.write(o));
    }

    private static void send(FrameStream s, byte[] frame) {
        StreamSends.send(s, frame);
    }
}
