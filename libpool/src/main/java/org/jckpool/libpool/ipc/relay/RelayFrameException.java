package org.jckpool.libpool.ipc.relay;

/** A connector ↔ stratifier frame that cannot be decoded; the message says what is wrong with it. */
public final class RelayFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public RelayFrameException(String message) {
        super(message);
    }
}
