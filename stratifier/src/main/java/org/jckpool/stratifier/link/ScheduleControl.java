package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Proxy mode: /api/schedule's way to the scheduler, which lives in the generator: {@code {"method":"schedule"}}
 * (with {@code params} to set weights) on the generator's control socket, one request each.
 */
public final class ScheduleControl {
    static final long TIMEOUT_MS = 3_000;
    /** The generator's answer when its upstreams have no weights. */
    static final String NOT_SCHEDULING = "not a scheduling proxy";

    private final Path generatorSocket;

    public ScheduleControl(Path generatorSocket) {
        this.generatorSocket = generatorSocket;
    }

    /**
     * @param setWeights {"weights":…} to set, or null to read the state
     * @return the scheduler's state; empty when the proxy does not schedule
     * @throws IllegalArgumentException the generator refused the weights (its reason)
     * @throws IOException              no answer
     */
    public Optional<JsonNode> request(JsonNode setWeights) throws IOException {
        ObjectNode req = Json.object();
        req.put("method", "schedule");
        if (setWeights != null) {
            req.set("params", setWeights);
        }
        JsonNode n = Json.parseOrNull(ControlClient.request(generatorSocket, Json.write(req), TIMEOUT_MS).orElse(""));
        if (n == null || !n.isObject()) {
            throw new IOException("no answer from the generator");
        }
        if (n.has("error")) {
            String why = n.path("error").asText();
            if (why.startsWith(NOT_SCHEDULING)) {
                return Optional.empty();
            }
            throw new IllegalArgumentException(why);
        }
        return Optional.of(n);
    }
}
