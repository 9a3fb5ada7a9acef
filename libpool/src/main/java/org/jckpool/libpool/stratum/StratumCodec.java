package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes Stratum v1 lines (JSON objects, one a line, no newline in the text handled here). {@link #parse}
 * is the general reading path; {@link StratumLineParser} tries the fast one ({@link FlatLineReader}) first.
 */
public final class StratumCodec {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private StratumCodec() {
    }

    /**
     * The general path: parses any line with Jackson's streaming parser (a tree only for nested values). Throws
     * {@link StratumProtocolException} when the line is not one JSON object, the method is not a string, or the
     * params are not closed. Unknown members are skipped; a repeated member counts once, the last.
     */
    public static StratumMessage parse(String line) {
        long idNumber = 0;
        String idText = StratumMessage.NULL_ID;
        String method = null;
        List<Object> params = null;
        Object result = null;
        StratumError error = null;
        String rejectReason = null;
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new StratumProtocolException("not a JSON object: " + abbreviate(line));
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "id" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            idNumber = p.getLongValue();
                            idText = null;
                        } else {
                            idText = idText(p, v);
                        }
                    }
                    case "method" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            throw new StratumProtocolException("method is not a string: " + abbreviate(line));
                        }
                        method = p.getText();
                    }
                    case "params" -> params = readParams(p, v);
                    case "result" -> result = value(p, v);
                    case "error" -> error = v == JsonToken.VALUE_NULL ? null : StratumError.of(Json.MAPPER.readTree(p));
                    case "reject-reason" -> {
                        rejectReason = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new StratumProtocolException("unterminated object: " + abbreviate(line));
            }
            if (p.nextToken() != null) {
                throw new StratumProtocolException("trailing data after the object: " + abbreviate(line));
            }
        } catch (IOException e) {
            throw new StratumProtocolException("invalid JSON: " + firstLine(e.getMessage()));
        }
        return new StratumMessage(idNumber, idText, method, params, result, error, rejectReason);
    }

    private static String idText(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_STRING -> "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(p.getText())) + "\"";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            default -> {
                p.skipChildren(); // null, or an array or object nobody can echo
                yield StratumMessage.NULL_ID;
            }
        };
    }

    private static List<Object> readParams(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_ARRAY) {
            // Some miners send an object; keep it as one nested value.
            List<Object> one = new ArrayList<>(1);
            one.add(value(p, v));
            return one;
        }
        List<Object> out = new ArrayList<>(6);
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e == null) {
                throw new IOException("unterminated params");
            }
            out.add(value(p, e));
        }
        return out;
    }

    /** A scalar as String, Long, Double, Boolean or null; a nested array or object as a tree. */
    private static Object value(JsonParser p, JsonToken e) throws IOException {
        return switch (e) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getDoubleValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> Json.MAPPER.readTree(p);
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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

    /**
     * {@code mining.submit} built without a tree (the proxy sends thousands a second): the same text as
     * {@link #request} gives; {@code versionBits} null = five params.
     */
    public static String submit(long id, String worker, String jobId, String extranonce2, String ntime, String nonce,
                                String versionBits) {
        StringBuilder sb = new StringBuilder(160).append("{\"id\":").append(id)
                .append(",\"method\":\"mining.submit\",\"params\":[");
        Json.appendString(sb, worker).append(',');
        Json.appendString(sb, jobId).append(',');
        Json.appendString(sb, extranonce2).append(',');
        Json.appendString(sb, ntime).append(',');
        Json.appendString(sb, nonce);
        if (versionBits != null) {
            Json.appendString(sb.append(','), versionBits);
        }
        return sb.append("]}").toString();
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

    /** A successful reply to the id as {@link StratumMessage#idJson()} gives it. */
    public static String result(String idJson, Object result) {
        return "{\"id\":" + idJson + ",\"result\":" + Json.write(result) + ",\"error\":null}";
    }

    /** An error reply in ckpool's form {@code [code, message, null]} to the id as {@link StratumMessage#idJson()} gives it. */
    public static String error(String idJson, int code, String message) {
        return "{\"id\":" + idJson + ",\"result\":null,\"error\":[" + code + ","
                + Json.write(message) + ",null]}";
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
        return Log.abbreviate(s, 120);
    }
}
