package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.ckdb.message.Request;

/**
 * Reply texts in the request's own form: ckpool's {@code id.epoch.ok.result} / {@code id.epoch.failed.reason},
 * JSON-RPC style {@code {"id","result","error"}}, or plain text.
 */
final class CkdbReplies {
    private final ObjectMapper mapper;

    CkdbReplies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String ok(Request req, Object result) {
        switch (req.form()) {
            case CKPOOL:
                return req.id() + "." + epoch() + ".ok." + asText(result);
            case JSON: {
                ObjectNode o = mapper.createObjectNode();
                o.put("id", req.id());
                o.set("result", result instanceof JsonNode j ? j : mapper.getNodeFactory().textNode(asText(result)));
                o.putNull("error");
                return o.toString();
            }
            default:
                return asText(result);
        }
    }

    String failed(Request.Form form, String id, String reason) {
        switch (form) {
            case CKPOOL:
                return (id == null ? "0" : id) + "." + epoch() + ".failed." + reason;
            case JSON: {
                ObjectNode o = mapper.createObjectNode();
                o.put("id", id);
                o.putNull("result");
                o.put("error", reason);
                return o.toString();
            }
            default:
                return "failed." + reason;
        }
    }

    /** The form of a request that could not be parsed, for its failure reply. */
    static Request.Form guessForm(String text) {
        if (text != null && text.strip().startsWith("{")) {
            return Request.Form.JSON;
        }
        return text != null && text.contains(".json=") ? Request.Form.CKPOOL : Request.Form.TEXT;
    }

    private static long epoch() {
        return System.currentTimeMillis() / 1000;
    }

    private static String asText(Object result) {
        return result instanceof JsonNode j ? j.toString() : String.valueOf(result);
    }
}
