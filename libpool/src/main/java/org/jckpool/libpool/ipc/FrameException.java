package org.jckpool.libpool.ipc;

import java.io.IOException;

/** A frame on the wire was malformed: zero or oversized length, or the peer closed in the middle of it. */
public final class FrameException extends IOException {
    public FrameException(String message) {
        super(message);
    }
}
