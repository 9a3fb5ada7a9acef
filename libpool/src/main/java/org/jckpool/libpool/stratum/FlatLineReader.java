package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.jckpool.libpool.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path: reads the shape nearly every Stratum line has straight from its bytes, without a JSON parser.
 * One object whose members are, each at most once, in any order, with JSON whitespace around:
 * <ul>
 *   <li>{@code id}: an integer of up to 18 digits, a plain string or null;</li>
 *   <li>{@code method}: a plain string;</li>
 *   <li>{@code params}: null or an array of plain strings, integers of up to 18 digits, true, false, null and
 *       arrays of plain strings (a notify's merkle branch);</li>
 *   <li>{@code result}: a value as in params, but not an array; {@code error}: null or {@code [integer, plain string]} with an
 *       optional null third member; {@code reject-reason}: a plain string or null.</li>
 * </ul>
 * "Plain" means printable ASCII without quote or backslash, so the bytes between the quotes are the value itself.
 *
 * <p>Anything else (escapes, other characters, value types or members, repeats, malformed JSON) gives null and
 * the caller takes the general path ({@link StratumCodec#parse}), which returns an equal message for every line
 * read here. Not thread-safe: one instance per line.
 */
final class FlatLineReader {
    private static final byte[] ID = ascii("id");
    private static final byte[] METHOD = ascii("method");
    private static final byte[] PARAMS = ascii("params");
    private static final byte[] RESULT = ascii("result");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] REJECT_REASON = ascii("reject-reason");
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final String SUBMIT = "mining.submit";
    private static final byte[] SUBMIT_BYTES = ascii(SUBMIT);
    private static final String NOTIFY = "mining.notify";
    private static final byte[] NOTIFY_BYTES = ascii(NOTIFY);
    /** Longer integers are left to the general path (so every one read here fits a long). */
    private static final int MAX_DIGITS = 18;
    private static final Object FAIL = new Object();

    private final byte[] b;
    private final int end;
    private int pos;
    private int seen;
    private long idNumber;
    private String idText = StratumMessage.NULL_ID;
    private String method;
    private List<Object> params;
    private Object result;
    private StratumError error;
    private String rejectReason;
    /** The last integer read by {@link #integer()}. */
    private long number;

    private FlatLineReader(byte[] buf, int off, int len) {
        this.b = buf;
        this.pos = off;
        this.end = off + len;
    }

    /** The message, or null when the line is not of the flat shape. */
    static StratumMessage read(byte[] buf, int off, int len) {
        return new FlatLineReader(buf, off, len).message();
    }

    private StratumMessage message() {
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
        return new StratumMessage(idNumber, idText, method, params, result, error, rejectReason);
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
            if (!skipSpace() || !member(key, keyLength) || !skipSpace()) {
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

    private boolean member(int key, int keyLength) {
        if (is(key, keyLength, ID)) {
            return once(1) && id();
        }
        if (is(key, keyLength, METHOD)) {
            return once(2) && method();
        }
        if (is(key, keyLength, PARAMS)) {
            return once(4) && params();
        }
        if (is(key, keyLength, RESULT)) {
            return once(8) && result();
        }
        if (is(key, keyLength, ERROR)) {
            return once(16) && error();
        }
        if (is(key, keyLength, REJECT_REASON)) {
            return once(32) && rejectReason();
        }
        return false;
    }

    private boolean once(int bit) {
        if ((seen & bit) != 0) {
            return false;
        }
        seen |= bit;
        return true;
    }

    private boolean id() {
        byte c = b[pos];
        if (c == '"') {
            int start = plainString();
            if (start < 0) {
                return false;
            }
            idText = text(start - 1, pos - start + 1); // with its quotes, as it is echoed
            return true;
        }
        if (c == 'n') {
            return literal(NULL); // idText stays "null"
        }
        if (!integer()) {
            return false;
        }
        idNumber = number;
        idText = null;
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
        method = is(start, n, SUBMIT_BYTES) ? SUBMIT : is(start, n, NOTIFY_BYTES) ? NOTIFY : text(start, n);
        return true;
    }

    private boolean params() {
        if (b[pos] == 'n') {
            return literal(NULL); // params stay null, as on the general path
        }
        if (b[pos] != '[') {
            return false;
        }
        pos++;
        List<Object> list = new ArrayList<>(9);
        if (!skipSpace()) {
            return false;
        }
        if (b[pos] == ']') {
            pos++;
            params = list;
            return true;
        }
        while (true) {
            Object v = b[pos] == '[' ? stringArray() : scalar();
            if (v == FAIL || !skipSpace()) {
                return false;
            }
            list.add(v);
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

    /** A plain string, an integer, true, false or null at {@code pos}; {@link #FAIL} for anything else. */
    private Object scalar() {
        byte c = b[pos];
        if (c == '"') {
            int start = plainString();
            return start < 0 ? FAIL : text(start, pos - 1 - start);
        }
        if (c == 't') {
            return literal(TRUE) ? Boolean.TRUE : FAIL;
        }
        if (c == 'f') {
            return literal(FALSE) ? Boolean.FALSE : FAIL;
        }
        if (c == 'n') {
            return literal(NULL) ? null : FAIL;
        }
        return integer() ? (Object) number : FAIL;
    }

    /** An array of plain strings at {@code pos} (the general path gives it as a tree, so this does too). */
    private Object stringArray() {
        pos++;
        ArrayNode a = Json.MAPPER.createArrayNode();
        if (!skipSpace()) {
            return FAIL;
        }
        if (b[pos] == ']') {
            pos++;
            return a;
        }
        while (true) {
            int start = plainString();
            if (start < 0 || !skipSpace()) {
                return FAIL;
            }
            a.add(text(start, pos - 1 - start));
            byte c = b[pos++];
            if (c == ']') {
                return a;
            }
            if (c != ',' || !skipSpace()) {
                return FAIL;
            }
        }
    }

    private boolean result() {
        Object v = scalar();
        if (v == FAIL) {
            return false;
        }
        result = v;
        return true;
    }

    /** null, or {@code [code, "message"]} with an optional null third member. */
    private boolean error() {
        if (b[pos] == 'n') {
            return literal(NULL);
        }
        if (b[pos] != '[') {
            return false;
        }
        pos++;
        if (!skipSpace() || !integer() || number != (int) number || !skipSpace() || b[pos++] != ','
                || !skipSpace()) {
            return false;
        }
        int code = (int) number;
        int start = plainString();
        if (start < 0) {
            return false;
        }
        String message = text(start, pos - 1 - start);
        if (!skipSpace()) {
            return false;
        }
        if (b[pos] == ',') {
            pos++;
            if (!skipSpace() || !literal(NULL) || !skipSpace()) {
                return false;
            }
        }
        if (b[pos++] != ']') {
            return false;
        }
        error = new StratumError(code, message);
        return true;
    }

    private boolean rejectReason() {
        if (b[pos] == 'n') {
            return literal(NULL);
        }
        int start = plainString();
        if (start < 0) {
            return false;
        }
        rejectReason = text(start, pos - 1 - start);
        return true;
    }

    /**
     * An optional minus and 1 to 18 digits into {@link #number}. A leading zero must be the whole number ("01" is
     * invalid JSON); a fraction or exponent fails at the caller's check for the next separator.
     */
    private boolean integer() {
        boolean negative = b[pos] == '-';
        if (negative) {
            pos++;
        }
        int digits = pos;
        long v = 0;
        if (pos < end && b[pos] == '0') {
            pos++;
        } else {
            while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                v = v * 10 + (b[pos++] - '0');
                if (pos - digits > MAX_DIGITS) {
                    return false;
                }
            }
        }
        if (pos == digits) {
            return false;
        }
        number = negative ? -v : v;
        return true;
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
