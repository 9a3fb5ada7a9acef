package org.jckpool.ckdb.server;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.log.Log;

/**
 * ckdb's socket: the suite's {@link ControlServer}. One-shot connections (ckpmsg, the stratifier's authorise and
 * heartbeat) get one reply each; a persistent stream (the {@code CkdbClient}'s batches) gets one reply frame per
 * request frame, in order.
 */
public final class CkdbServer implements Closeable {
    /** Socket file name inside the socket directory (ckpool's ckdb used "listener" too). */
    public static final String SOCKET_NAME = "listener";

    private final ControlServer server;

    private CkdbServer(ControlServer server) {
        this.server = server;
    }

    public static CkdbServer open(Path socket, RequestHandler service) throws IOException {
        ControlServer cs = ControlServer.open(socket, service::handle);
        cs.onStream(peer -> new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                String reply = service.handle(Frames.text(frame));
                if (!stream.send(reply)) {
                    Log.warning("could not queue a reply to %s, closing its stream", peer);
                    stream.close();
                }
            }

            @Override
            public void onClose(FrameStream stream, Throwable cause) {
                Log.info("stream from %s closed%s", peer, cause == null ? "" : ": " + cause.getMessage());
            }
        });
        return new CkdbServer(cs);
    }

    public Path path() {
        return server.path();
    }

    @Override
    public void close() {
        server.close();
    }
}
