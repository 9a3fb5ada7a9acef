package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;

/**
 * The admin commands that ask or tell the children over their control sockets: {@code loglevel} (passed on to each
 * child), {@code update}/{@code reconnect} (to the stratifier), {@code stats}, {@code restarts}, {@code upstreams},
 * {@code schedule} (to the generator).
 */
final class AdminQueries {
    private static final long CONTROL_TIMEOUT_MS = Supervisor.CONTROL_TIMEOUT_MS;

    private final Path sockdir;
    private final List<ManagedChild> children;
    private final Instant started;
    private final boolean passthrough;

    AdminQueries(Path sockdir, List<ManagedChild> children, Instant started, boolean passthrough) {
        this.sockdir = sockdir;
        this.children = children;
        this.started = started;
        this.passthrough = passthrough;
    }

    String setLogLevel(String request) {
        String reply = ChildRuntime.setLogLevel(request);
        if (!"success".equals(reply)) {
            return reply;
        }
        String msg = "loglevel=" + Log.level();
        for (ManagedChild c : children) {
            if (!c.alive()) {
                continue;
            }
            try {
                Optional<String> r = ControlClient.request(c.controlSocket(sockdir), msg, CONTROL_TIMEOUT_MS);
                if (!r.map("success"::equals).orElse(false)) {
                    Log.warning("%s answered %s to %s", c.process, r.orElse("nothing"), msg);
                }
            } catch (IOException e) {
                Log.warning("Could not set the log level of %s: %s", c.process, e.getMessage());
            }
        }
        return "success";
    }

    String forwardToStratifier(String request) {
        try {
            Optional<String> r = ControlClient.request(ManagedChild.named(children, "stratifier").controlSocket(sockdir), request, CONTROL_TIMEOUT_MS);
            return r.orElse("success");
        } catch (IOException e) {
            Log.warning("Could not forward %s to the stratifier: %s", request, e.getMessage());
            return "failed: stratifier not reachable";
        }
    }

    /**
     * ckpool's {@code stratifierstats}/{@code connectorstats}: the child's answer to the text {@code stats} (ckpool's
     * JSON form), or {@code failed: …} when it cannot be asked.
     */
    String childStats(String process) {
        try {
            Optional<String> r = ControlClient.request(ManagedChild.named(children, process).controlSocket(sockdir),
                    "stats", CONTROL_TIMEOUT_MS);
            return r.orElse("failed: no answer from the " + process);
        } catch (IOException | RuntimeException e) {
            Log.warning("Could not ask the %s for its stats: %s", process, e.getMessage());
            return "failed: " + process + " not reachable";
        }
    }

    /**
     * A command passed to the stratifier that ckpool's listener answers with a fixed word ({@code reconnect} →
     * {@code reconnecting}, {@code dropall} → {@code dropping all}): that word once the stratifier took it, else the
     * stratifier's own refusal ({@code failed: …}).
     */
    String forwardToStratifier(String request, String ckpoolReply) {
        String r = forwardToStratifier(request);
        return r.startsWith("failed") ? r : ckpoolReply;
    }

    /**
     * ckpool's {@code accept}/{@code reject}: passed to the connector (take or hold new connections); its reply
     * ({@code accepting}/{@code rejecting}, as ckpool's listener answers), or {@code failed: …}.
     */
    String forwardToConnector(String request) {
        try {
            Optional<String> r = ControlClient.request(ManagedChild.named(children, "connector").controlSocket(sockdir),
                    request, CONTROL_TIMEOUT_MS);
            return r.orElse("failed: no answer from the connector");
        } catch (IOException | RuntimeException e) {
            Log.warning("Could not forward %s to the connector: %s", request, e.getMessage());
            return "failed: connector not reachable";
        }
    }

    /**
     * Proxy mode: the generator's per-upstream figures (ckpmsg '{"method":"upstreams"}'); passthrough mode (no
     * generator): the relay's upstream link from its stats.
     */
    JsonNode upstreams() throws IOException {
        String process = passthrough ? "stratifier" : "generator";
        String request = passthrough ? "{\"method\":\"stats\"}" : "{\"method\":\"upstreams\"}";
        Optional<String> r = ControlClient.request(sockdir.resolve(process), request, CONTROL_TIMEOUT_MS);
        JsonNode n = Json.parseOrNull(r.orElse(""));
        if (n == null) {
            throw new IOException("the " + process + " gave no answer");
        }
        return passthrough ? n.path("upstream") : n;
    }

    /**
     * The scheduling proxy's state, or with {@code {"weights":…}} new weights (ckpmsg
     * '{"method":"schedule","params":{"weights":{"name":70,…}}}'; also {@code "prices"} and {@code "auto"}): passed
     * to the generator, its answer returned.
     */
    JsonNode schedule(JsonNode params) throws IOException {
        if (passthrough) {
            throw new IOException("passthrough mode has no scheduler");
        }
        ObjectNode req = Json.object();
        req.put("method", "schedule");
        req.set("params", params);
        Optional<String> r = ControlClient.request(sockdir.resolve("generator"), Json.write(req), CONTROL_TIMEOUT_MS);
        JsonNode n = Json.parseOrNull(r.orElse(""));
        if (n == null) {
            throw new IOException("the generator gave no answer");
        }
        return n;
    }

    /**
     * {@code {"generator":N,"stratifier":N,"connector":N}}: restarts of each child since the listener started.
     * Cheap (asks no child), so the stratifier polls it for its {@code jckpool_process_restarts_total} metric.
     */
    JsonNode restarts() {
        ObjectNode o = Json.object();
        for (ManagedChild c : children) {
            o.put(c.process, c.restarts.get());
        }
        return o;
    }

    JsonNode stats() {
        ObjectNode o = Json.object();
        ObjectNode l = o.putObject("listener");
        l.put("pid", ProcessHandle.current().pid());
        l.put("uptime", Duration.between(started, Instant.now()).toSeconds());
        l.put("restarts", 0);
        l.put("loglevel", Log.level());
        l.put("alive", true);
        for (ManagedChild c : children) {
            ObjectNode s = o.putObject(c.process);
            s.put("pid", c.pid());
            s.put("alive", c.alive());
            s.put("restarts", c.restarts.get());
            s.put("uptime", c.uptime().toSeconds());
            s.putNull("loglevel");
            if (c.alive()) {
                try {
                    Optional<String> r = ControlClient.request(c.controlSocket(sockdir), "{\"method\":\"stats\"}",
                            CONTROL_TIMEOUT_MS);
                    JsonNode n = r.map(Json::parseOrNull).orElse(null);
                    if (n != null && n.has("loglevel")) {
                        s.set("loglevel", n.get("loglevel"));
                        s.set("uptime", n.get("uptime"));
                    }
                } catch (IOException e) {
                    Log.info("No stats from %s: %s", c.process, e.getMessage());
                }
            }
        }
        return o;
    }
}
