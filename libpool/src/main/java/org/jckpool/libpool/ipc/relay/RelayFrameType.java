package org.jckpool.libpool.ipc.relay;

/** The binary frame types between connector and stratifier (docs/INTERNALS.md, "connector ↔ stratifier"). */
public enum RelayFrameType {
    /** connector → stratifier: client connected, body {@code "ip port serverIndex"}. */
    CONNECTED('C'),
    /** connector → stratifier: one line the client sent, without its newline. */
    LINE('L'),
    /** connector → stratifier: client gone, body is the reason text. */
    DISCONNECTED('D'),
    /** stratifier → connector: one line to send to the client; the connector adds the newline. */
    SEND('S'),
    /** stratifier → connector: one line for every client (client id 0). */
    SEND_ALL('A'),
    /** stratifier → connector: drop the client, body is the reason text. */
    DROP('X'),
    /**
     * stratifier → connector: the client has subscribed; from now on it receives {@link #SEND_ALL} lines (a
     * client not yet subscribed gets none). Empty body.
     */
    SUBSCRIBED('P'),
    /**
     * stratifier → connector: report with {@link #DRAINED} once everything queued for the client so far has been
     * written to its socket (at once when nothing is queued). Empty body. Paces large bursts to one client.
     */
    DRAIN('W'),
    /** connector → stratifier: the client's output queue emptied after a {@link #DRAIN} request. Empty body. */
    DRAINED('E');

    private final byte code;

    RelayFrameType(char code) {
        this.code = (byte) code;
    }

    /** The type byte on the wire. */
    public byte code() {
        return code;
    }

    /** The type for a wire byte, or null when the byte is not a known type. */
    public static RelayFrameType fromCode(byte code) {
        switch (code) {
            case 'C': return CONNECTED;
            case 'L': return LINE;
            case 'D': return DISCONNECTED;
            case 'S': return SEND;
            case 'A': return SEND_ALL;
            case 'X': return DROP;
            case 'P': return SUBSCRIBED;
            case 'W': return DRAIN;
            case 'E': return DRAINED;
            default: return null;
        }
    }
}
