package org.jckpool.connector.relay;

import java.util.Objects;
import java.util.function.Consumer;
import org.jckpool.connector.net.ClientEventSink;
import org.jckpool.libpool.ipc.relay.RelayCodec;

/**
 * Turns what the networking core reports into C/L/D frame payloads and hands each to a sink (in the process,
 * the frame stream to the stratifier). The sink is called on the connector's I/O thread.
 */
public final class FrameUpstream implements ClientEventSink {
    private final Consumer<byte[]> sink;
    private final Runnable roundDone;

    public FrameUpstream(Consumer<byte[]> sink) {
        this(sink, () -> { });
    }

    /** {@code roundDone} runs at the end of each round of the I/O loop (the stream's kick). */
    public FrameUpstream(Consumer<byte[]> sink, Runnable roundDone) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.roundDone = Objects.requireNonNull(roundDone, "roundDone");
    }

    @Override
    public void roundDone() {
        roundDone.run();
    }

    @Override
    public void connected(long id, String ip, int port, int serverIndex) {
        sink.accept(RelayCodec.connected(id, ip, port, serverIndex));
    }

    @Override
    public void line(long id, byte[] utf8, int offset, int length) {
        sink.accept(RelayCodec.line(id, utf8, offset, length));
    }

    @Override
    public void disconnected(long id, String reason) {
        sink.accept(RelayCodec.disconnected(id, reason));
    }

    @Override
    public void drained(long id) {
        sink.accept(RelayCodec.drained(id));
    }
}
