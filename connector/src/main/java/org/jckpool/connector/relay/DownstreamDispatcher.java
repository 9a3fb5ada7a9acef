package org.jckpool.connector.relay;

import java.util.Objects;
import org.jckpool.connector.net.Downstream;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;

/** Applies S/A/X/P frame payloads from the stratifier to the networking core. */
public final class DownstreamDispatcher {
    private final Downstream downstream;

    public DownstreamDispatcher(Downstream downstream) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    public void dispatch(byte[] payload) throws RelayFrameException {
        dispatch(payload, 0, payload.length);
    }

    /**
     * Decodes one payload and acts on it. Throws for a frame that cannot be decoded or that only travels
     * towards the stratifier; nothing is done in that case.
     */
    public void dispatch(byte[] payload, int offset, int length) throws RelayFrameException {
        dispatch(RelayCodec.decode(payload, offset, length));
    }

    /** Acts on a decoded frame; throws for a frame that only travels towards the stratifier. */
    public void dispatch(RelayFrame frame) throws RelayFrameException {
        switch (frame.type()) {
            case SEND -> downstream.send(frame.clientId(), frame.buffer(), frame.bodyOffset(), frame.bodyLength());
            case SEND_ALL -> downstream.sendAll(frame.buffer(), frame.bodyOffset(), frame.bodyLength());
            case DROP -> downstream.drop(frame.clientId(), frame.bodyText());
            case SUBSCRIBED -> downstream.subscribe(frame.clientId());
            case DRAIN -> downstream.whenDrained(frame.clientId());
            default -> throw new RelayFrameException("relay frame " + (char) frame.type().code()
                    + " travels from connector to stratifier, not the other way");
        }
    }
}
