package org.jckpool.libpool.ipc.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes and decodes the payload of connector ↔ stratifier frames: 1 type byte, the client id as 8 bytes
 * little-endian, then the UTF-8 body. The 4-byte length prefix around it belongs to the frame stream, not here.
 * Dependency-free: the connector and the stratifier both use it.
 */
public final class RelayCodec {
    /** Type byte plus client id. */
    public static final int HEADER_BYTES = 9;

    private RelayCodec() {
    }

    public static byte[] encode(RelayFrameType type, long clientId, byte[] body, int offset, int length) {
        byte[] out = new byte[HEADER_BYTES + length];
        out[0] = type.code();
        putLongLE(out, 1, clientId);
        System.arraycopy(body, offset, out, HEADER_BYTES, length);
        return out;
    }

    public static byte[] encode(RelayFrameType type, long clientId, byte[] body) {
        return encode(type, clientId, body, 0, body.length);
    }

    public static byte[] encode(RelayFrameType type, long clientId, String body) {
        return encode(type, clientId, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code C} frame: body {@code "ip port serverIndex"}. */
    public static byte[] connected(long clientId, String ip, int port, int serverIndex) {
        return encode(RelayFrameType.CONNECTED, clientId, ip + ' ' + port + ' ' + serverIndex);
    }

    /** The body word that marks a {@code C} frame as a resumed client ({@link ConnectedInfo#resumed}). */
    public static final String RESUMED_MARK = "resumed";

    /** A {@code C} frame for a client an earlier stream already knew: body {@code "ip port serverIndex resumed"}. */
    public static byte[] resumed(long clientId, String ip, int port, int serverIndex) {
        return encode(RelayFrameType.CONNECTED, clientId, ip + ' ' + port + ' ' + serverIndex + ' ' + RESUMED_MARK);
    }

    /** The resumed form of a {@code C} frame made by {@link #connected} (the same frame with the mark appended). */
    public static byte[] asResumed(byte[] connectedFrame) {
        byte[] mark = (' ' + RESUMED_MARK).getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(connectedFrame, connectedFrame.length + mark.length);
        System.arraycopy(mark, 0, out, connectedFrame.length, mark.length);
        return out;
    }

    public static byte[] line(long clientId, byte[] line, int offset, int length) {
        return encode(RelayFrameType.LINE, clientId, line, offset, length);
    }

    public static byte[] disconnected(long clientId, String reason) {
        return encode(RelayFrameType.DISCONNECTED, clientId, reason);
    }

    public static byte[] send(long clientId, byte[] line) {
        return encode(RelayFrameType.SEND, clientId, line);
    }

    /** An {@code A} frame; its client id is always 0. */
    public static byte[] sendAll(byte[] line) {
        return encode(RelayFrameType.SEND_ALL, 0L, line);
    }

    public static byte[] drop(long clientId, String reason) {
        return encode(RelayFrameType.DROP, clientId, reason);
    }

    /** A {@code P} frame: the client subscribed and now gets {@code A} broadcasts. */
    public static byte[] subscribed(long clientId) {
        return encode(RelayFrameType.SUBSCRIBED, clientId, new byte[0]);
    }

    /** A {@code W} frame: report {@code E} once the client's queued output has been written. */
    public static byte[] drain(long clientId) {
        return encode(RelayFrameType.DRAIN, clientId, new byte[0]);
    }

    /** An {@code E} frame: the client's output queue emptied after a {@code W}. */
    public static byte[] drained(long clientId) {
        return encode(RelayFrameType.DRAINED, clientId, new byte[0]);
    }

    /** The client id of a payload of at least {@link #HEADER_BYTES} bytes, without decoding the rest. */
    public static long clientIdOf(byte[] payload) {
        return getLongLE(payload, 1);
    }

    public static RelayFrame decode(byte[] payload) throws RelayFrameException {
        return decode(payload, 0, payload.length);
    }

    /** Decodes without copying: the frame's body refers to {@code payload}. */
    public static RelayFrame decode(byte[] payload, int offset, int length) throws RelayFrameException {
        if (length < HEADER_BYTES) {
            throw new RelayFrameException("relay frame too short: " + length + " bytes, need at least " + HEADER_BYTES);
        }
        RelayFrameType type = RelayFrameType.fromCode(payload[offset]);
        if (type == null) {
            throw new RelayFrameException(String.format("unknown relay frame type 0x%02x", payload[offset] & 0xff));
        }
        long id = getLongLE(payload, offset + 1);
        if (type == RelayFrameType.SEND_ALL && id != 0) {
            throw new RelayFrameException("relay frame A must carry client id 0, got " + id);
        }
        return new RelayFrame(type, id, payload, offset + HEADER_BYTES, length - HEADER_BYTES);
    }

    /** Parses the body of a {@code C} frame. */
    public static ConnectedInfo parseConnected(RelayFrame frame) throws RelayFrameException {
        if (frame.type() != RelayFrameType.CONNECTED) {
            throw new RelayFrameException("expected a C frame, got " + frame.type());
        }
        String text = frame.bodyText();
        String[] parts = text.split(" ", -1);
        boolean resumed = parts.length == 4 && RESUMED_MARK.equals(parts[3]);
        if ((parts.length != 3 && !resumed) || parts[0].isEmpty()) {
            throw new RelayFrameException("C frame body must be \"ip port serverIndex [resumed]\", got \"" + text
                    + "\"");
        }
        try {
            int port = Integer.parseInt(parts[1]);
            int server = Integer.parseInt(parts[2]);
            if (port < 0 || port > 65535 || server < 0) {
                throw new RelayFrameException("C frame port or server index out of range: \"" + text + "\"");
            }
            return new ConnectedInfo(parts[0], port, server, resumed);
        } catch (NumberFormatException e) {
            throw new RelayFrameException("C frame port or server index is not a number: \"" + text + "\"");
        }
    }

    static void putLongLE(byte[] out, int at, long v) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static long getLongLE(byte[] in, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (in[at + i] & 0xffL);
        }
        return v;
    }
}
