package org.jckpool.connector.net;

/**
 * What the stratifier side asks of the connector. Safe to call from any thread; the work happens on the
 * connector's I/O thread. Lines are given without their newline (one is added unless the line already ends
 * with one). Calls for an unknown or already gone client are ignored (logged at debug).
 */
public interface Downstream {

    void send(long id, byte[] line, int offset, int length);

    default void send(long id, byte[] line) {
        send(id, line, 0, line.length);
    }

    /**
     * One line for every client marked by {@link #subscribe} (clients not yet subscribed get nothing); encoded
     * once and shared by all their queues.
     */
    void sendAll(byte[] line, int offset, int length);

    default void sendAll(byte[] line) {
        sendAll(line, 0, line.length);
    }

    /** Closes the client's connection after one last attempt to write what is queued for it. */
    void drop(long id, String reason);

    /** Marks the client subscribed: from now on it receives {@link #sendAll} lines. */
    void subscribe(long id);

    /**
     * Reports {@link ClientEventSink#drained} once everything sent to the client before this call has been written
     * to its socket (at once when nothing waits). A client that goes first is reported disconnected instead.
     */
    void whenDrained(long id);
}
