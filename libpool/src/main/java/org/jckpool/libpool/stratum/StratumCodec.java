package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/** Reads and writes Stratum v1 lines (JSON objects, one a line, no newline in the text handled here). */
public final class StratumCodec {
    private StratumCodec() {
    }

    /** Parses one line; throws {@link StratumProtocolException} when it is not a JSON object. */
    public static StratumMessage parse(String line) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new StratumProtocolException("not JSON: " + abbreviate(line));
        }
        if (n == null || !n.isObject()) {
            throw new StratumProtocolException("not a JSON object: " + abbreviate(line));
        }
        JsonNode m = n.get("method");
        String method = m != null && m.isTextual() ? m.asText() : null;
        JsonNode id = n.get("id");
        if (method == null && (id == null || !n.has("result") && !n.has("error"))) {
            throw new StratumProtocolException("neither a request nor a reply: " + abbreviate(line));
        }
        JsonNode result = method == null ? n.get("result") : null;
        StratumError error = method == null ? StratumError.of(n.get("error")) : null;
        return new StratumMessage(id, method, n.get("params"), result, error);
    }

    /** {@code {"id":id,"method":method,"params":params}}; params of strings, numbers, booleans or JsonNodes. */
    public static String request(long id, String method, Object... params) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("method", method);
        ArrayNode a = o.putArray("params");
        for (Object p : params) {
            add(a, p);
        }
        return Json.write(o);
    }

    /** A notification (id null). */
    public static String notification(String method, Object... params) {
        ObjectNode o = Json.object();
        o.putNull("id");
        o.put("method", method);
        ArrayNode a = o.putArray("params");
        for (Object p : params) {
            add(a, p);
        }
        return Json.write(o);
    }

    /** A successful reply to {@code id}. */
    public static String result(JsonNode id, Object result) {
        ObjectNode o = Json.object();
        o.set("id", id == null ? Json.MAPPER.nullNode() : id);
        ArrayNode holder = Json.MAPPER.createArrayNode();
        add(holder, result);
        o.set("result", holder.get(0));
        o.putNull("error");
        return Json.write(o);
    }

    /** An error reply in ckpool's form {@code [code, message, null]}. */
    public static String error(JsonNode id, int code, String message) {
        ObjectNode o = Json.object();
        o.set("id", id == null ? Json.MAPPER.nullNode() : id);
        o.putNull("result");
        ArrayNode e = o.putArray("error");
        e.add(code);
        e.add(message);
        e.addNull();
        return Json.write(o);
    }

    private static void add(ArrayNode a, Object p) {
        if (p == null) {
            a.addNull();
        } else if (p instanceof JsonNode j) {
            a.add(j);
        } else if (p instanceof String s) {
            a.add(s);
        } else if (p instanceof Integer i) {
            a.add(i);
        } else if (p instanceof Long l) {
            a.add(l);
        } else if (p instanceof Double d) {
            a.add(d);
        } else if (p instanceof Boolean b) {
            a.add(b);
        } else {
            a.add(Json.MAPPER.valueToTree(p));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
