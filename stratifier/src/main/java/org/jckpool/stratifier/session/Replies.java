package org.jckpool.stratifier.session;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Text of the replies and notifications the stratifier sends to miners (one JSON object per line). */
public final class Replies {
    private Replies() {
    }

    public static String result(String idJson, String resultJson) {
        return "{\"id\":" + idJson + ",\"result\":" + resultJson + ",\"error\":null}";
    }

    public static String ok(String idJson) {
        return "{\"id\":" + idJson + ",\"result\":true,\"error\":null}";
    }

    /** An error reply: {@code result} is false for submit/authorize style calls and null otherwise. */
    public static String error(String idJson, String resultJson, int code, String message) {
        return "{\"id\":" + idJson + ",\"result\":" + resultJson + ",\"error\":[" + code + "," + quote(message)
                + ",null]}";
    }

    /** A rejected share: the numeric error and ckpool's {@code reject-reason}. */
    public static String reject(String idJson, int code, String message, String rejectReason) {
        return "{\"id\":" + idJson + rejectTail(code, message, rejectReason);
    }

    /** What follows the id in {@link #reject}: the same for every share refused for one reason, so kept by it. */
    public static String rejectTail(int code, String message, String rejectReason) {
        return ",\"result\":false,\"error\":[" + code + "," + quote(message) + ",null],\"reject-reason\":"
                + quote(rejectReason) + "}";
    }

    public static String setDifficulty(double diff) {
        return "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[" + number(diff) + "]}";
    }

    public static String showMessage(String text) {
        return "{\"id\":null,\"method\":\"client.show_message\",\"params\":[" + quote(text) + "]}";
    }

    /** {@code client.reconnect}; with a null host the client reconnects to the same server. */
    public static String reconnect(String host, int port, int waitSeconds) {
        if (host == null) {
            return "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}";
        }
        return "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[" + quote(host) + "," + port + ","
                + waitSeconds + "]}";
    }

    public static String setExtranonce(String extranonce1Hex, int extranonce2Size) {
        return "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[" + quote(extranonce1Hex) + ","
                + extranonce2Size + "]}";
    }

    /** Difficulty as JSON: whole numbers without a fraction, fractions in shortest round-trip form. */
    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d).replace("E", "e");
    }

    public static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
