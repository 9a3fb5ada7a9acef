package org.jckpool.ckdb.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/** Turns a frame's text into a {@link Request}, rejecting anything malformed with a reason. */
public final class RequestParser {
    /** Longest request text accepted (a batch of pool messages is the big case). */
    public static final int MAX_REQUEST_CHARS = 32 * 1024 * 1024;
    private static final Pattern CMD = Pattern.compile("[a-z][a-z0-9_.]{0,31}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

    private final ObjectMapper mapper;

    public RequestParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Request parse(String text) throws BadRequestException {
        if (text == null || text.isEmpty()) {
            throw new BadRequestException("empty request");
        }
        if (text.length() > MAX_REQUEST_CHARS) {
            throw new BadRequestException("request too large (" + text.length() + " chars)");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return parseJson(trimmed);
        }
        int jsonAt = trimmed.indexOf(".json=");
        if (jsonAt > 0) {
            return parseCkpool(trimmed, jsonAt);
        }
        return parseText(trimmed);
    }

    private Request parseCkpool(String text, int jsonAt) throws BadRequestException {
        String head = text.substring(0, jsonAt);
        int dot = head.lastIndexOf('.');
        if (dot <= 0) {
            throw new BadRequestException("expected <cmd>.<id>.json=<object>");
        }
        String cmd = head.substring(0, dot).toLowerCase();
        String id = head.substring(dot + 1);
        if (!ID.matcher(id).matches()) {
            throw new BadRequestException("bad id '" + shorten(id) + "'");
        }
        if (!CMD.matcher(cmd).matches()) {
            throw new BadRequestException(id, "bad command '" + shorten(cmd) + "'");
        }
        JsonNode body = readJson(id, text.substring(jsonAt + ".json=".length()));
        if (!(body instanceof ObjectNode obj)) {
            throw new BadRequestException(id, "json must be an object");
        }
        return new Request(cmd, id, obj, Request.Form.CKPOOL);
    }

    private Request parseJson(String text) throws BadRequestException {
        JsonNode root = readJson(null, text);
        if (!(root instanceof ObjectNode obj)) {
            throw new BadRequestException("json must be an object");
        }
        JsonNode idNode = obj.get("id");
        String id = idNode == null || idNode.isNull() ? null : idNode.asText();
        if (id != null && id.length() > 64) {
            throw new BadRequestException("id too long");
        }
        JsonNode method = obj.get("method");
        if (method == null || !method.isTextual()) {
            throw new BadRequestException(id, "missing method");
        }
        String cmd = method.asText().toLowerCase();
        if (!CMD.matcher(cmd).matches()) {
            throw new BadRequestException(id, "bad method '" + shorten(cmd) + "'");
        }
        JsonNode params = obj.get("params");
        ObjectNode p;
        if (params == null || params.isNull()) {
            p = mapper.createObjectNode();
        } else if (params instanceof ObjectNode po) {
            p = po;
        } else {
            throw new BadRequestException(id, "params must be an object");
        }
        return new Request(cmd, id, p, Request.Form.JSON);
    }

    private Request parseText(String text) throws BadRequestException {
        String cmd = text;
        ObjectNode params = mapper.createObjectNode();
        int eq = text.indexOf('=');
        if (eq > 0) {
            cmd = text.substring(0, eq);
            params.put("value", text.substring(eq + 1));
        }
        cmd = cmd.toLowerCase();
        if (!CMD.matcher(cmd).matches()) {
            throw new BadRequestException("unknown request '" + shorten(text) + "'");
        }
        return new Request(cmd, null, params, Request.Form.TEXT);
    }

    private JsonNode readJson(String id, String json) throws BadRequestException {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadRequestException(id, "invalid json: " + shorten(e.getOriginalMessage()));
        }
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
