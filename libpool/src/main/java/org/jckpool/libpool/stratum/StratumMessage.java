package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.jckpool.libpool.json.Json;

import java.util.List;
import java.util.Objects;

/**
 * One Stratum v1 line, read by {@link StratumLineParser} (or {@link StratumCodec#parse}): a request (a method and
 * a non-null id), a notification (a method, id null or missing) or a reply (no method).
 *
 * <p>Values are plain Java: {@code params} holds String, Long, Double, Boolean, null, or a Jackson
 * {@link JsonNode} for a nested array or object, and is null when the line had no params array; a reply's
 * {@code result} is one such value. The id is kept as it must be echoed ({@link #idJson()}); an integer id is
 * held as a number, so the usual reply costs no id text.
 */
public final class StratumMessage {
    public enum Kind { REQUEST, NOTIFICATION, REPLY }

    static final String NULL_ID = "null";

    /** The id when {@code idText} is null. */
    private final long idNumber;
    /** The JSON text of an id that is not a long integer ("null" when absent or null); null for a long id. */
    private final String idText;
    private final String method;
    private final List<Object> params;
    private final Object result;
    private final StratumError error;
    private final String rejectReason;

    StratumMessage(long idNumber, String idText, String method, List<Object> params, Object result,
                   StratumError error, String rejectReason) {
        this.idNumber = idText == null ? idNumber : 0;
        this.idText = idText;
        this.method = method;
        this.params = params;
        this.result = result;
        this.error = error;
        this.rejectReason = rejectReason;
    }

    /** A request or notification as a peer would send it ({@code idJson} "null" for a notification). */
    public static StratumMessage request(String idJson, String method, List<Object> params) {
        return new StratumMessage(0, Objects.requireNonNull(idJson), method, params, null, null, null);
    }

    public Kind kind() {
        if (method == null) {
            return Kind.REPLY;
        }
        return NULL_ID.equals(idText) ? Kind.NOTIFICATION : Kind.REQUEST;
    }

    /** The id exactly as a reply must echo it: "4", "\"abc\"", "null". */
    public String idJson() {
        return idText != null ? idText : Long.toString(idNumber);
    }

    /** The id as a long, or -1 when it is not an integer. */
    public long idLong() {
        return idText == null ? idNumber : -1;
    }

    /** The method, or null for a reply. */
    public String method() {
        return method;
    }

    /** The params (see the class comment), or null when the line had none. */
    public List<Object> params() {
        return params;
    }

    public int paramCount() {
        return params == null ? 0 : params.size();
    }

    /** Param {@code i}, or null when there is none. */
    public Object param(int i) {
        return params != null && i < params.size() ? params.get(i) : null;
    }

    /** Param {@code i} when it is a string, else null. */
    public String string(int i) {
        return param(i) instanceof String s ? s : null;
    }

    /** Param {@code i} as a number (a JSON number or a decimal string), or NaN. */
    public double number(int i) {
        Object p = param(i);
        if (p instanceof Number n) {
            return n.doubleValue();
        }
        if (p instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Param {@code i} as a JSON node (a missing node when there is none); for code that reads trees. */
    public JsonNode paramNode(int i) {
        return params != null && i < params.size() ? node(params.get(i)) : MissingNode.getInstance();
    }

    /** The params as a JSON array (empty when there were none). */
    public ArrayNode paramsNode() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        if (params != null) {
            params.forEach(p -> a.add(node(p)));
        }
        return a;
    }

    /** A reply's result (see the class comment), else null. */
    public Object result() {
        return result;
    }

    /** A reply's result as a JSON node (a null node when there is none). */
    public JsonNode resultNode() {
        return node(result);
    }

    /** A reply's error in any of the usual forms, else null (no error). */
    public StratumError error() {
        return error;
    }

    /** ckpool's {@code reject-reason} member, or null. */
    public String rejectReason() {
        return rejectReason;
    }

    /** A reply without error whose result is not null and not false. */
    public boolean isSuccess() {
        return error == null && result != null && !Boolean.FALSE.equals(result);
    }

    private static JsonNode node(Object value) {
        return value instanceof JsonNode j ? j : Json.MAPPER.valueToTree(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StratumMessage m && idNumber == m.idNumber && Objects.equals(idText, m.idText)
                && Objects.equals(method, m.method) && Objects.equals(params, m.params)
                && Objects.equals(result, m.result) && Objects.equals(error, m.error)
                && Objects.equals(rejectReason, m.rejectReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(idNumber, idText, method, params, result, error, rejectReason);
    }

    @Override
    public String toString() {
        return "StratumMessage[id=" + idJson() + ", method=" + method + ", params=" + params + ", result=" + result
                + ", error=" + error + ", reject-reason=" + rejectReason + "]";
    }
}
