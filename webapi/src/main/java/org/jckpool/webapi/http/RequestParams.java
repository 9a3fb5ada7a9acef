package org.jckpool.webapi.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading the request's path segments and query parameters, refusing bad ones with a 400. */
final class RequestParams {
    static final int MAX_NAME = 256;
    static final int MAX_LIMIT = 1000;

    private RequestParams() {
    }

    /** A user or worker name from a raw path segment. */
    static String name(String rawSegment, String what) throws HttpError {
        String name = decode(rawSegment);
        if (name.isEmpty()) {
            throw HttpError.badRequest(what + " name is empty");
        }
        if (name.length() > MAX_NAME) {
            throw HttpError.badRequest(what + " name longer than " + MAX_NAME + " characters");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw HttpError.badRequest(what + " name contains control characters");
        }
        return name;
    }

    static int limit(Map<String, String> query, int defaultLimit) throws HttpError {
        String text = query.get("limit");
        if (text == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw HttpError.badRequest("limit must be an integer 1.." + MAX_LIMIT + ", got \"" + truncate(text, 40) + "\"");
    }

    static Map<String, String> parseQuery(String rawQuery) throws HttpError {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.putIfAbsent(decodeQuery(key), decodeQuery(value));
        }
        return query;
    }

    /** Percent-decodes a path segment ('+' stays '+'). */
    private static String decode(String raw) throws HttpError {
        return decodeQuery(raw.replace("+", "%2B"));
    }

    private static String decodeQuery(String raw) throws HttpError {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("bad percent-encoding in the URL");
        }
    }

    /** Client-supplied text cut to {@code max} characters for an error message or log line. */
    static String truncate(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
