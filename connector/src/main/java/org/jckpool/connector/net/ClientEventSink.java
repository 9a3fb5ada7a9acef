package org.jckpool.connector.net;

/**
 * Where the connector delivers what its clients do (in the process, the stratifier link). All calls come from
 * the connector's single I/O thread, one at a time; they must return quickly (a slow upstream stalls every
 * client). For each client id: one {@code connected}, then any number of {@code line}, then exactly one
 * {@code disconnected} — also when the drop was asked for through {@link Downstream#drop}.
 */
public interface ClientEventSink {

    /** A client connected to {@code serverIndex} (its position in the serverurl list). */
    void connected(long id, String ip, int port, int serverIndex);

    /**
     * One line the client sent, without newline or trailing {@code \r}; never empty. The bytes are only valid
     * during the call (the array is reused); they are passed as received, invalid UTF-8 included.
     */
    void line(long id, byte[] utf8, int offset, int length);

    /** The client is gone; {@code reason} says why. */
    void disconnected(long id, String reason);

    /**
     * Everything queued for the client when {@link Downstream#whenDrained} asked has been written to its socket
     * (its output queue is empty).
     */
    default void drained(long id) {
    }

    /** The end of one round of the I/O loop: an upstream that gathers what it was given sends it now. */
    default void roundDone() {
    }
}
