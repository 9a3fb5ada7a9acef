package org.jckpool.testminer.stratum;

import java.nio.charset.StandardCharsets;

/**
 * Reads a {@link QuickReply} straight from a line's bytes: an object of the members id (integer), result
 * (true/false), error (null or {@code [integer, "string", null]}) and reject-reason (string or null), in any
 * order, with optional spaces. {@link #scan} is false for anything else; {@link #needsFullParser} then tells
 * whether the line might still be a quick reply that this scan does not read (a backslash escape in a string,
 * an error's third member other than null), which is left to Jackson.
 */
final class ReplyScanner {
    private static final byte[] ID = bytes("id");
    private static final byte[] RESULT = bytes("result");
    private static final byte[] ERROR = bytes("error");
    private static final byte[] REJECT_REASON = bytes("reject-reason");

    private final byte[] b;
    private final int end;
    private int i;
    private boolean fullParser;

    private long id;
    private boolean idSeen;
    private int result = -1; // 0 false, 1 true
    private boolean errorSeen;
    private Integer code;
    private String message;
    private String rejectReason;

    ReplyScanner(byte[] line, int offset, int length) {
        this.b = line;
        this.i = offset;
        this.end = offset + length;
    }

    boolean needsFullParser() {
        return fullParser;
    }

    /** The reply read by a successful {@link #scan}, or null when it is not a quick reply. */
    QuickReply reply() {
        if (result == 1) {
            return message == null ? new QuickReply(id, new SubmitOutcome(true, null, null)) : null;
        }
        return new QuickReply(id, SubmitOutcome.rejected(code, message, rejectReason));
    }

    boolean scan() {
        if (!take('{')) {
            return false;
        }
        do {
            int nameStart = stringBody();
            if (nameStart < 0) {
                return false;
            }
            int nameLength = i - 1 - nameStart; // the cursor is past the closing quote
            if (!take(':')) {
                return false;
            }
            skipSpaces();
            if (!member(nameStart, nameLength)) {
                return false;
            }
        } while (take(','));
        if (!take('}')) {
            return false;
        }
        skipSpaces();
        return i == end && idSeen && result >= 0 && errorSeen;
    }

    /** Reads the value of the member whose name is {@code nameLength} bytes at {@code nameStart}. */
    private boolean member(int nameStart, int nameLength) {
        if (is(nameStart, nameLength, ID)) {
            idSeen = integer();
            id = value;
            return idSeen;
        }
        if (is(nameStart, nameLength, RESULT)) {
            if (literal("true")) {
                result = 1;
            } else if (literal("false")) {
                result = 0;
            } else {
                return false;
            }
            return true;
        }
        if (is(nameStart, nameLength, ERROR)) {
            errorSeen = true;
            return literal("null") || errorArray();
        }
        if (is(nameStart, nameLength, REJECT_REASON)) {
            if (literal("null")) {
                return true;
            }
            rejectReason = string();
            return rejectReason != null;
        }
        return false;
    }

    private boolean errorArray() {
        if (!take('[') || !integer() || value != (int) value) {
            return false;
        }
        code = (int) value;
        if (!take(',')) {
            return false;
        }
        skipSpaces();
        message = string();
        if (message == null) {
            return false;
        }
        if (take(']')) {
            return true;
        }
        if (take(',')) {
            skipSpaces();
            if (literal("null") && take(']')) {
                return true;
            }
        }
        fullParser = true; // another third member, or more members: Jackson skips them
        return false;
    }

    private long value;

    /** An optional minus and digits (no fraction or exponent), into {@link #value}. */
    private boolean integer() {
        skipSpaces();
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long v = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9' && i - start < 18) {
            v = v * 10 + (b[i++] - '0');
        }
        if (i == start || i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || b[i] >= '0' && b[i] <= '9')) {
            return false;
        }
        value = negative ? -v : v;
        return true;
    }

    /** A string at the cursor, or null; a backslash makes it one for the full parser. */
    private String string() {
        int start = stringBody();
        return start < 0 ? null : new String(b, start, i - 1 - start, StandardCharsets.UTF_8);
    }

    /** Skips a string at the cursor; returns where its content starts (the cursor is past its quote), or -1. */
    private int stringBody() {
        skipSpaces();
        if (i >= end || b[i] != '"') {
            return -1;
        }
        int start = ++i;
        while (i < end && b[i] != '"') {
            if (b[i] == '\\') {
                fullParser = true;
                return -1;
            }
            i++;
        }
        if (i >= end) {
            return -1;
        }
        i++;
        return start;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (end - i < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        i += n;
        return true;
    }

    private boolean take(char c) {
        skipSpaces();
        if (i < end && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
    }

    private boolean is(int start, int length, byte[] name) {
        if (length != name.length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (b[start + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
