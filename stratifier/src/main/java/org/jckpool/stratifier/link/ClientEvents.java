package org.jckpool.stratifier.link;

/** What the connector stream reports about miners (the engine plus metrics in the real process). */
public interface ClientEvents {
    void connected(long clientId, String address, int serverIndex);

    /**
     * A client an earlier connector stream knew, kept by the connector while the stratifier restarted; by default
     * treated as a new connection.
     */
    default void resumed(long clientId, String address, int serverIndex) {
        connected(clientId, address, serverIndex);
    }

    void line(long clientId, String line);

    /** A line still in the frame's UTF-8 bytes, valid only during the call; by default decoded to a String. */
    default void line(long clientId, byte[] buf, int off, int len) {
        line(clientId, new String(buf, off, len, java.nio.charset.StandardCharsets.UTF_8));
    }

    void disconnected(long clientId, String reason);

    /** The connector wrote everything queued for the client, as asked by {@code ClientOutbound.whenDrained}. */
    default void drained(long clientId) {
    }
}
