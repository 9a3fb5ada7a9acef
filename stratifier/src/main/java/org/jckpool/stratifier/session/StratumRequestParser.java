package org.jckpool.stratifier.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming parser for miner lines (jackson-core): one pass, no tree for the common flat params
 * ({@code mining.submit}), a tree only for nested values ({@code mining.configure}). Thread-safe.
 */
public final class StratumRequestParser {
    /** Lines longer than this are refused (ckpool's connector refuses oversized messages too). */
    public static final int MAX_LINE = 16 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** The line is not a JSON-RPC request object. */
    public static final class MalformedRequest extends Exception {
        public MalformedRequest(String message) {
            super(message);
        }
    }

    /**
     * One line as the connector sent it (UTF-8). The usual flat request is read from the bytes directly
     * ({@link FlatRequestParser}); anything else is decoded and goes through {@link #parse(String)}, so the
     * result, or the error, is the same either way.
     */
    public StratumRequest parse(byte[] buf, int off, int len) throws MalformedRequest {
        if (len <= MAX_LINE) {
            StratumRequest flat = FlatRequestParser.parse(buf, off, len);
            if (flat != null) {
                return flat;
            }
        }
        return parse(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    public StratumRequest parse(String line) throws MalformedRequest {
        if (line.length() > MAX_LINE) {
            throw new MalformedRequest("line of " + line.length() + " characters exceeds " + MAX_LINE);
        }
        String idJson = "null";
        String method = null;
        List<Object> params = null;
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedRequest("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "id" -> idJson = idText(p, v);
                    case "method" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            throw new MalformedRequest("method is not a string");
                        }
                        method = p.getText();
                    }
                    case "params" -> params = readParams(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new MalformedRequest("unterminated object");
            }
            if (p.nextToken() != null) {
                throw new MalformedRequest("trailing data after the object");
            }
        } catch (IOException e) {
            throw new MalformedRequest("invalid JSON: " + firstLine(e.getMessage()));
        }
        return new StratumRequest(idJson, method, params);
    }

    private static String idText(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_STRING -> "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(p.getText())) + "\"";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> {
                p.skipChildren();
                yield "null";
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
            one.add(scalarOrTree(p, v));
            return one;
        }
        List<Object> out = new ArrayList<>(6);
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e == null) {
                throw new IOException("unterminated params");
            }
            out.add(scalarOrTree(p, e));
        }
        return out;
    }

    private static Object scalarOrTree(JsonParser p, JsonToken e) throws IOException {
        return switch (e) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getDoubleValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> MAPPER.readTree(p);
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
