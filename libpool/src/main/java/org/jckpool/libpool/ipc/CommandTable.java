package org.jckpool.libpool.ipc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * Dispatches control requests. Plain-text commands match as in ckpool: by prefix, case-insensitively
 * ({@code "loglevel=7"} matches {@code "loglevel"}); the longest registered prefix wins. JSON objects dispatch on
 * their {@code "method"} (exact) with {@code "params"} (an empty object when absent).
 *
 * <p>Unknown text gets {@code "unknown"}; an unknown JSON method gets {@code {"error":"unknown method: m"}}; a
 * handler that throws gets {@code {"error":"…"}} (JSON) or no reply (text) and a log line.
 */
public final class CommandTable implements ControlServer.RequestHandler {
    /** Handles a text command; gets the full request text; returns the reply or null for none. */
    @FunctionalInterface
    public interface TextCommand {
        String handle(String request);
    }

    /** Handles a JSON method; returns the reply object or null for none. */
    @FunctionalInterface
    public interface JsonMethod {
        JsonNode handle(JsonNode params) throws Exception;
    }

    private record Entry(String prefix, TextCommand command) {
    }

    private final List<Entry> text = new CopyOnWriteArrayList<>();
    private final Map<String, JsonMethod> json = new ConcurrentHashMap<>();

    /** Registers (or replaces) a text command by its prefix. */
    public synchronized CommandTable text(String prefix, TextCommand command) {
        String p = prefix.toLowerCase(Locale.ROOT);
        List<Entry> next = new ArrayList<>(text);
        next.removeIf(e -> e.prefix.equals(p));
        next.add(new Entry(p, command));
        next.sort(Comparator.comparingInt((Entry e) -> e.prefix.length()).reversed());
        text.clear();
        text.addAll(next);
        return this;
    }

    /** Registers (or replaces) a JSON method. */
    public CommandTable json(String method, JsonMethod handler) {
        json.put(method, handler);
        return this;
    }

    @Override
    public String handle(String request) {
        String r = request.strip();
        if (r.startsWith("{")) {
            JsonNode n = Json.parseOrNull(r);
            if (n != null && n.isObject()) {
                return handleJson(n);
            }
            return error("request is not valid JSON");
        }
        String lower = r.toLowerCase(Locale.ROOT);
        for (Entry e : text) {
            if (lower.startsWith(e.prefix)) {
                return e.command.handle(r);
            }
        }
        Log.info("Unhandled control request: %s", Log.abbreviate(r, 80));
        return "unknown";
    }

    private String handleJson(JsonNode n) {
        String method = Json.text(n, "method");
        if (method == null) {
            return error("missing method");
        }
        JsonMethod m = json.get(method);
        if (m == null) {
            return error("unknown method: " + method);
        }
        JsonNode params = n.get("params");
        if (params == null || params.isNull()) {
            params = Json.object();
        }
        try {
            JsonNode reply = m.handle(params);
            return reply == null ? null : Json.write(reply);
        } catch (Exception e) {
            Log.warning("JSON method %s failed: %s", method, e.toString());
            return error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static String error(String message) {
        ObjectNode o = Json.object();
        o.put("error", message);
        return Json.write(o);
    }
}
