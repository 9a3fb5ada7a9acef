package org.jckpool.libpool.ipc.relay;

/**
 * The body of a {@link RelayFrameType#CONNECTED} frame: the client's address and the serverurl entry it used.
 * {@code resumed}: the client was announced to an earlier stratifier stream and is still connected (the
 * connector kept it while the stratifier restarted); the stratifier should give it back its session.
 */
public record ConnectedInfo(String ip, int port, int serverIndex, boolean resumed) {
    public ConnectedInfo(String ip, int port, int serverIndex) {
        this(ip, port, serverIndex, false);
    }
}
