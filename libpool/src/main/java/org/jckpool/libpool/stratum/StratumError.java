package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A reply's error in one form. Pools send {@code [code, "message", data]} (ckpool, most pools), an object
 * {@code {"code":…,"message":…}} (JSON-RPC 2.0 style) or a bare string; {@link #of} reads all three.
 */
public record StratumError(int code, String message) {
    /** The error of a reply, or null when there is none (missing, null or false). */
    public static StratumError of(JsonNode e) {
        if (e == null || e.isNull() || e.isMissingNode() || (e.isBoolean() && !e.asBoolean())) {
            return null;
        }
        if (e.isArray()) {
            int code = e.path(0).canConvertToInt() ? e.path(0).asInt() : -1;
            String msg = e.size() > 1 ? e.get(1).asText() : e.path(0).asText("");
            return new StratumError(code, msg);
        }
        if (e.isObject()) {
            return new StratumError(e.path("code").asInt(-1), e.path("message").asText(e.toString()));
        }
        return new StratumError(-1, e.asText());
    }

    @Override
    public String toString() {
        return code + " " + message;
    }
}
