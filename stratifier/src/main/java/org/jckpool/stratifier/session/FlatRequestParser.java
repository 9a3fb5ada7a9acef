package org.jckpool.stratifier.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the shape nearly every miner line has, straight from the frame's bytes: one object whose members are
 * {@code id} (an integer, a plain string or null), {@code method} (a plain string) and {@code params} (an array of
 * plain strings, or null), each at most once, in any order, with JSON whitespace around. "Plain" means printable
 * ASCII without quote or backslash, so the bytes between the quotes are the value itself and need no decoding.
 *
 * <p>Anything else (escapes, other characters or value types, other or repeated members, malformed JSON) gives
 * null, and the caller uses the general parser, which returns the same request for every line accepted here and
 * the proper result or error for the rest. Not thread-safe: one instance per line.
 */
final class FlatRequestParser {
    private static final byte[] ID = ascii("id");
    private static final byte[] METHOD = ascii("method");
    private static final byte[] PARAMS = ascii("params");
    private static final byte[] NULL = ascii("null");
    private static final String SUBMIT = "mining.submit";
    private static final byte[] SUBMIT_BYTES = ascii(SUBMIT);
    /** Longer integers are left to the general parser (its number limits apply to them). */
    private static final int MAX_ID_DIGITS = 19;

    private final byte[] b;
    private final int end;
    private int pos;
    private String idJson;
    private boolean haveMethod;
    private String method;
    private boolean haveParams;
    private List<Object> params;

    private FlatRequestParser(byte[] buf, int off, int len) {
        this.b = buf;
        this.pos = off;
        this.end = off + len;
    }

    /** The request, or null when the line is not of the flat shape. */
    static StratumRequest parse(byte[] buf, int off, int len) {
        return new FlatRequestParser(buf, off, len).request();
    }

    private StratumRequest request() {
        if (!skipSpace() || b[pos] != '{') {
            return null;
        }
        pos++;
        if (!skipSpace()) {
            return null;
        }
        if (b[pos] == '}') {
            pos++;
        } else if (!members()) {
            return null;
        }
        if (skipSpace()) {
            return null; // trailing data
        }
        return new StratumRequest(idJson == null ? "null" : idJson, method, params);
    }

    /** The members up to and including the closing brace. */
    private boolean members() {
        while (true) {
            int key = plainString();
            if (key < 0) {
                return false;
            }
            int keyLength = pos - 1 - key;
            if (!skipSpace() || b[pos] != ':') {
                return false;
            }
            pos++;
            if (!skipSpace()) {
                return false;
            }
            boolean ok;
            if (is(key, keyLength, ID)) {
                ok = idJson == null && id();
            } else if (is(key, keyLength, METHOD)) {
                ok = !haveMethod && method();
            } else if (is(key, keyLength, PARAMS)) {
                ok = !haveParams && params();
            } else {
                ok = false;
            }
            if (!ok || !skipSpace()) {
                return false;
            }
            byte c = b[pos++];
            if (c == '}') {
                return true;
            }
            if (c != ',' || !skipSpace()) {
                return false;
            }
        }
    }

    /** The id as it must be echoed: an integer's text, a string with its quotes, or null. */
    private boolean id() {
        byte c = b[pos];
        if (c == '"') {
            int start = plainString();
            if (start < 0) {
                return false;
            }
            idJson = text(start - 1, pos - start + 1);
            return true;
        }
        if (c == 'n') {
            if (!literal(NULL)) {
                return false;
            }
            idJson = "null";
            return true;
        }
        int start = pos;
        if (c == '-') {
            pos++;
        }
        int digits = pos;
        if (pos < end && b[pos] == '0') {
            pos++; // a leading zero is the whole integer part; "01" is left to the general parser
        } else {
            while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
        }
        int n = pos - digits;
        if (n == 0 || n > MAX_ID_DIGITS) {
            return false;
        }
        // A fraction or exponent ('.', 'e') fails at the caller's check for ',' or '}'.
        idJson = text(start, pos - start);
        return true;
    }

    private boolean method() {
        if (b[pos] != '"') {
            return false;
        }
        int start = plainString();
        if (start < 0) {
            return false;
        }
        int n = pos - 1 - start;
        method = is(start, n, SUBMIT_BYTES) ? SUBMIT : text(start, n);
        haveMethod = true;
        return true;
    }

    private boolean params() {
        haveParams = true;
        if (b[pos] == 'n') {
            return literal(NULL); // params stay null, as with the general parser
        }
        if (b[pos] != '[') {
            return false;
        }
        pos++;
        List<Object> list = new ArrayList<>(6);
        if (!skipSpace()) {
            return false;
        }
        if (b[pos] == ']') {
            pos++;
            params = list;
            return true;
        }
        while (true) {
            int start = plainString();
            if (start < 0) {
                return false;
            }
            list.add(text(start, pos - 1 - start));
            if (!skipSpace()) {
                return false;
            }
            byte c = b[pos++];
            if (c == ']') {
                params = list;
                return true;
            }
            if (c != ',' || !skipSpace()) {
                return false;
            }
        }
    }

    /**
     * A string of printable ASCII without escapes at {@code pos}: returns the index of its first character and
     * leaves {@code pos} after the closing quote; -1 for anything else.
     */
    private int plainString() {
        if (pos >= end || b[pos] != '"') {
            return -1;
        }
        int start = ++pos;
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                return start;
            }
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    private boolean literal(byte[] word) {
        if (end - pos < word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[pos + i] != word[i]) {
                return false;
            }
        }
        pos += word.length;
        return true;
    }

    /** Skips JSON whitespace; false at the end of the line. */
    private boolean skipSpace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
            pos++;
        }
        return false;
    }

    private boolean is(int start, int length, byte[] word) {
        if (length != word.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[start + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private String text(int start, int length) {
        return new String(b, start, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
