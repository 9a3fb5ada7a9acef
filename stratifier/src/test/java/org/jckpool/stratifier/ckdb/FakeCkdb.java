package org.jckpool.stratifier.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ckdb's socket protocol as the pool sees it (docs/INTERNALS.md "stratifier ↔ ckdb"), without PostgreSQL:
 * ckpool-form authorise and heartbeat requests, and batches on a persistent stream answered with the highest
 * sequence seen as durable. Records every pool message it admitted, in order; drops repeated seqs as ckdb does.
 */
final class FakeCkdb implements AutoCloseable {
    /** Known user → default difficulty of its workers. */
    final Map<String, Double> users = new ConcurrentHashMap<>();
    final List<JsonNode> messages = new ArrayList<>();
    final List<String> authorised = new ArrayList<>();
    private final List<ObjectNode> diffChanges = new ArrayList<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final ControlServer server;

    FakeCkdb(Path socket) throws IOException {
        server = ControlServer.open(socket, this::request);
        server.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                stream.send(batch(Frames.text(frame)));
            }
        });
    }

    synchronized void pushDiffChange(String user, String worker, double diff) {
        ObjectNode o = Json.object().put("username", user).put("workername", worker).put("difficultydefault", diff);
        diffChanges.add(o);
    }

    synchronized List<JsonNode> messages(String method) {
        return messages.stream().filter(m -> m.path("method").asText().equals(method)).map(m -> m.get("params"))
                .toList();
    }

    synchronized List<JsonNode> all() {
        return List.copyOf(messages);
    }

    private String request(String text) {
        int dot1 = text.indexOf('.');
        int dot2 = text.indexOf('.', dot1 + 1);
        int eq = text.indexOf(".json=");
        if (dot1 < 0 || dot2 < 0 || eq < 0) {
            return "0.0.failed.bad request";
        }
        String cmd = text.substring(0, dot1);
        String id = text.substring(dot1 + 1, dot2);
        JsonNode p = Json.parseOrNull(text.substring(eq + 6));
        String prefix = id + "." + System.currentTimeMillis() / 1000 + ".";
        synchronized (this) {
            switch (cmd) {
                case "authorise" -> {
                    String user = p.path("username").asText();
                    Double diff = users.get(user);
                    if (diff == null) {
                        return prefix + "failed.unknown user " + user;
                    }
                    authorised.add(p.path("workername").asText());
                    return prefix + "ok." + Json.object().put("username", user)
                            .put("workername", p.path("workername").asText()).put("difficultydefault", diff);
                }
                case "heartbeat" -> {
                    long since = p.path("since").asLong();
                    ObjectNode r = Json.object();
                    ArrayNode changes = r.putArray("diffchange");
                    for (int i = (int) since; i < diffChanges.size(); i++) {
                        changes.add(diffChanges.get(i));
                    }
                    r.put("last", diffChanges.size());
                    return prefix + "ok." + r;
                }
                default -> {
                    return prefix + "failed.unknown command '" + cmd + "'";
                }
            }
        }
    }

    private synchronized String batch(String text) {
        JsonNode b = Json.parseOrNull(text);
        String source = b.path("params").path("source").asText();
        int accepted = 0;
        int duplicates = 0;
        for (JsonNode m : b.path("params").path("messages")) {
            long seq = m.path("params").path("seq").asLong();
            long last = lastSeq.getOrDefault(source, 0L);
            if (seq <= last) {
                duplicates++;
                continue;
            }
            lastSeq.put(source, seq);
            messages.add(m);
            accepted++;
        }
        ObjectNode r = Json.object();
        r.putNull("id");
        r.set("result", Json.object().put("accepted", accepted).put("duplicates", duplicates).put("failed", 0)
                .put("durable", lastSeq.getOrDefault(source, 0L)).set("errors", Json.MAPPER.createArrayNode()));
        return r.toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
