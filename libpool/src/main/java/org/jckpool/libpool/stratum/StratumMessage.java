package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Stratum v1 line, classified: a request (has a method and a non-null id), a notification (method, id null or
 * missing) or a reply (no method: id, result, error).
 *
 * @param id     the id as sent (null node or null when absent)
 * @param method the method, or null for a reply
 * @param params the params (an array for well-behaved peers; may be an object, null or missing)
 * @param result a reply's result, else null
 * @param error  a reply's error in any of the usual forms, else null (no error)
 */
public record StratumMessage(JsonNode id, String method, JsonNode params, JsonNode result, StratumError error) {
    public enum Kind { REQUEST, NOTIFICATION, REPLY }

    public Kind kind() {
        if (method == null) {
            return Kind.REPLY;
        }
        return id == null || id.isNull() ? Kind.NOTIFICATION : Kind.REQUEST;
    }

    /** The id as a long, or -1 when it is not an integer. */
    public long idLong() {
        return id != null && id.canConvertToLong() && id.isIntegralNumber() ? id.asLong() : -1;
    }

    /** Param {@code i}, or a missing node. */
    public JsonNode param(int i) {
        return params != null && params.isArray() ? params.path(i) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    public int paramCount() {
        return params != null && params.isArray() ? params.size() : 0;
    }

    /** A reply without error whose result is not null and not false. */
    public boolean isSuccess() {
        return error == null && result != null && !result.isNull() && !(result.isBoolean() && !result.asBoolean());
    }
}
