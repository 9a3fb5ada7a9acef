package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC 1.0 line as the pool sends it: either a notification/request ({@code method} set) or a
 * response to one of our requests ({@code id} set, no method).
 */
public final class StratumMessage {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode root;

    private StratumMessage(JsonNode root) {
        this.root = root;
    }

    public static StratumMessage parse(String line) throws MalformedMessageException {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        JsonNode method = node.get("method");
        if (method != null && !method.isNull() && !method.isTextual()) {
            throw new MalformedMessageException("method is not a string");
        }
        StratumMessage m = new StratumMessage(node);
        if (m.method() == null && m.id() == null) {
            throw new MalformedMessageException("neither a method nor a response id");
        }
        return m;
    }

    /** Method name of a server request/notification, or null for a response. */
    public String method() {
        JsonNode m = root.get("method");
        return m == null || m.isNull() ? null : m.asText();
    }

    /** Numeric id as long, or null when absent, null or not an integer (we only send integer ids). */
    public Long id() {
        JsonNode id = root.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.canConvertToLong() && id.isIntegralNumber()) {
            return id.asLong();
        }
        if (id.isTextual()) {
            try {
                return Long.parseLong(id.asText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The raw id node (for echoing back when answering a server request). */
    public JsonNode rawId() {
        JsonNode id = root.get("id");
        return id == null ? JsonNodeFactory.instance.nullNode() : id;
    }

    /** Params as an array; a missing params member reads as an empty array, any other type is malformed. */
    public ArrayNode params() throws MalformedMessageException {
        JsonNode p = root.get("params");
        if (p == null || p.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!p.isArray()) {
            throw new MalformedMessageException("params is not an array");
        }
        return (ArrayNode) p;
    }

    public JsonNode result() {
        JsonNode r = root.get("result");
        return r == null ? JsonNodeFactory.instance.nullNode() : r;
    }

    public JsonNode error() {
        JsonNode e = root.get("error");
        return e == null ? JsonNodeFactory.instance.nullNode() : e;
    }

    /** ckpool's non-standard reject text, or null. */
    public String rejectReason() {
        JsonNode r = root.get("reject-reason");
        return r == null || r.isNull() ? null : r.asText();
    }

    public JsonNode json() {
        return root;
    }

    @Override
    public String toString() {
        return root.toString();
    }

    /** Builds a request line {"id":id,"method":method,"params":params} (no newline). */
    public static String request(long id, String method, ArrayNode params) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", id);
        o.put("method", method);
        o.set("params", params);
        return o.toString();
    }

    /** A response line to a server request (e.g. client.get_version). */
    public static String response(JsonNode id, JsonNode result) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("id", id);
        o.set("result", result);
        o.putNull("error");
        return o.toString();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }
}
