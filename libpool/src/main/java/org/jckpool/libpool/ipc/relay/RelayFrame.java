package org.jckpool.libpool.ipc.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded connector ↔ stratifier frame. The body is a view into {@code buffer} (no copy), valid for as long
 * as the caller keeps that array unchanged.
 */
public record RelayFrame(RelayFrameType type, long clientId, byte[] buffer, int bodyOffset, int bodyLength) {

    /** A copy of the body bytes. */
    public byte[] body() {
        return Arrays.copyOfRange(buffer, bodyOffset, bodyOffset + bodyLength);
    }

    /** The body as text; invalid UTF-8 becomes U+FFFD. */
    public String bodyText() {
        return new String(buffer, bodyOffset, bodyLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RelayFrame[" + type + " id=" + clientId + " body=" + bodyLength + " bytes]";
    }
}
