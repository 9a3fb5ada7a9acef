package org.jckpool.stratifier.process;

/** What the connector stream reports about miners (the engine plus metrics in the real process). */
public interface ClientEvents {
    void connected(long clientId, String address, int serverIndex);

    void line(long clientId, String line);

    void disconnected(long clientId, String reason);
}
