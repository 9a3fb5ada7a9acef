package org.jckpool.stratifier.session;

import java.util.List;

/**
 * One line from a miner. {@code idJson} is the id exactly as it must be echoed ("4", "\"abc\"", "null");
 * {@code params} holds String, Long, Double, Boolean, null, or a Jackson JsonNode for nested values, and is
 * null when the request had no params array. {@code method} is null for a line without one (a miner's reply
 * to a pool request), which the engine ignores.
 */
public record StratumRequest(String idJson, String method, List<Object> params) {
    public int paramCount() {
        return params == null ? 0 : params.size();
    }

    /** The parameter as text when it is a string, else null. */
    public String string(int i) {
        return params != null && i < params.size() && params.get(i) instanceof String s ? s : null;
    }

    public Object param(int i) {
        return params != null && i < params.size() ? params.get(i) : null;
    }
}
