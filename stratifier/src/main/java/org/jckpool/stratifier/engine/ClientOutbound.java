package org.jckpool.stratifier.engine;

/** How the engine talks to miners (the connector stream in the real process). Must not block for long. */
public interface ClientOutbound {
    /** One line (no newline) to one client. */
    void send(long clientId, String line);

    /** One line to every subscribed client. */
    void broadcast(String line);

    /** Close a client's connection. */
    void drop(long clientId, String reason);

    /**
     * The client completed mining.subscribe (sent after its reply): from now on {@link #broadcast} reaches it.
     * Called again on a repeated subscribe.
     */
    default void subscribed(long clientId) {
    }

    /**
     * Asks to hear {@code drained(clientId)} from the connector once everything sent to the client so far has been
     * written to its socket. False when this transport cannot report it (then nothing will come).
     */
    default boolean whenDrained(long clientId) {
        return false;
    }

    /**
     * The client sent mining.passthrough (ckpool's -P downstream): the engine has forgotten it; from now on its lines
     * carry other clients' messages. By default it is dropped (no passthrough support).
     */
    default void passthrough(long clientId, String address, int serverIndex) {
        drop(clientId, "passthrough not supported");
    }

    /**
     * The client sent mining.node (ckpool's -N downstream): as {@link #passthrough}, and the link is to receive the
     * pool's work with transactions. By default it is dropped (no node support).
     */
    default void node(long clientId, String address, int serverIndex) {
        drop(clientId, "mining node not supported");
    }
}
