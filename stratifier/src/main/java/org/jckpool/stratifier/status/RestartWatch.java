package org.jckpool.stratifier.status;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * Feeds the restart counter of {@code /metrics}: restarts happen in the listener (the supervisor), so the
 * stratifier polls the listener's cheap {@code {"method":"restarts"}} command (each child's restarts since the
 * listener started) and reports every increase since the last poll, one call per restart. A stratifier that was
 * itself restarted starts from zero and so catches up on all restarts at its first poll: the counter then equals
 * the listener's totals. A listener that does not answer (standalone child, tests) is skipped quietly.
 */
public final class RestartWatch {
    public static final long POLL_SECONDS = 5;
    private static final long TIMEOUT_MS = 1_000;

    private final Path listenerSocket;
    private final Consumer<String> restarted;
    private final Consumer<Duration> roundTrip;
    private final Map<String, Long> seen = new HashMap<>();
    private boolean warned;

    RestartWatch(Path listenerSocket, Consumer<String> restarted) {
        this(listenerSocket, restarted, d -> { });
    }

    /** {@code roundTrip} gets the time each answered request took: the stratifier's listener IPC latency. */
    public RestartWatch(Path listenerSocket, Consumer<String> restarted, Consumer<Duration> roundTrip) {
        this.listenerSocket = listenerSocket;
        this.restarted = restarted;
        this.roundTrip = roundTrip;
    }

    /** Asks the listener once; never throws. */
    public void poll() {
        try {
            long start = System.nanoTime();
            Optional<String> reply = ControlClient.request(listenerSocket, "{\"method\":\"restarts\"}", TIMEOUT_MS);
            if (reply.isPresent()) {
                roundTrip.accept(Duration.ofNanos(System.nanoTime() - start));
            }
            JsonNode counts = reply.map(Json::parseOrNull).orElse(null);
            if (counts == null || !counts.isObject()) {
                warnOnce("no restart counts from " + listenerSocket + ": " + reply.orElse("no reply"));
                return;
            }
            apply(counts);
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot ask " + listenerSocket + " for restart counts: " + e.getMessage());
        }
    }

    /** Reports the increase of each process's count since the last call; a count that fell is taken as new. */
    void apply(JsonNode counts) {
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                continue;
            }
            long now = e.getValue().asLong();
            long before = seen.getOrDefault(e.getKey(), 0L);
            for (long i = now < before ? 0 : before; i < now; i++) {
                restarted.accept(e.getKey());
            }
            seen.put(e.getKey(), now);
        }
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            Log.info("%s", message);
        }
    }
}
