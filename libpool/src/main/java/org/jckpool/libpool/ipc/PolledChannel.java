package org.jckpool.libpool.ipc;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * A channel read by someone else's selector thread instead of a thread of its own (a {@link PolledFrameStream}
 * in the connector's I/O loop). Both methods are called on that thread.
 */
public interface PolledChannel {
    /** Registers for reads with {@code selector}, {@code attachment} on the key. */
    SelectionKey registerReads(Selector selector, Object attachment) throws ClosedChannelException;

    /** Handles what is readable now; false once the channel is closed, so the caller drops its key. */
    boolean readAvailable();
}
