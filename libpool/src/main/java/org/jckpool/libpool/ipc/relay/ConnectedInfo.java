package org.jckpool.libpool.ipc.relay;

/** The body of a {@link RelayFrameType#CONNECTED} frame: the client's address and the serverurl entry it used. */
public record ConnectedInfo(String ip, int port, int serverIndex) {
}
