package org.jckpool.libpool.ipc;

import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Control replies that carry file descriptors (SCM_RIGHTS, through junixsocket): ckpool's {@code getxfd}. The
 * reply is an ordinary frame (4-byte little-endian length, then the text) with the descriptors attached to its
 * bytes, so a client that ignores them still reads the text.
 */
final class DescriptorPassing {
    /** Room for the descriptors of one reply (each takes 4 bytes of ancillary data, plus headers). */
    private static final int ANCILLARY_BYTES = 4096;

    /** A reply's text and the descriptors that came with it (in the order sent; empty when none). */
    public record Reply(String text, FileDescriptor[] descriptors) {
    }

    private DescriptorPassing() {
    }

    /** Writes {@code text} as one frame on an accepted control connection, with {@code fds} attached. */
    public static void reply(SocketChannel connection, String text, FileDescriptor... fds) throws IOException {
        byte[] payload = Frames.utf8(text);
        ByteBuffer frame = ByteBuffer.allocate(Frames.HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(payload.length).put(payload);
        connection.configureBlocking(true);
        // A view of the same descriptor; the JDK channel stays its owner and closes it.
        AFUNIXSocket view = FileDescriptorCast.using(NioDescriptors.of(connection)).as(AFUNIXSocket.class);
        if (fds.length > 0) {
            view.setOutboundFileDescriptors(fds);
        }
        view.getOutputStream().write(frame.array());
    }

    /**
     * Sends one request to a control socket and reads the one-frame reply with any descriptors it carries. The
     * caller owns the received descriptors (close them, or hand them to channels that will).
     *
     * @throws IOException when the socket is missing or refuses, the server closes without a reply, or the reply
     *                     is late ({@link java.net.SocketTimeoutException})
     */
    public static Reply request(Path socket, String request, int timeoutMs) throws IOException {
        try (AFUNIXSocket s = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.toFile()))) {
            s.setSoTimeout(timeoutMs);
            s.setAncillaryReceiveBufferSize(ANCILLARY_BYTES);
            byte[] payload = Frames.utf8(request);
            ByteBuffer frame = ByteBuffer.allocate(Frames.HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            frame.putInt(payload.length).put(payload);
            s.getOutputStream().write(frame.array());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[Frames.HEADER];
            try {
                in.readFully(header);
            } catch (java.io.EOFException e) {
                throw new IOException(socket + " closed without a reply to " + request);
            }
            int length = Frames.checkLength(ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt());
            byte[] text = new byte[length];
            in.readFully(text);
            FileDescriptor[] received = s.getReceivedFileDescriptors();
            // junixsocket closes what it received with the socket: keep duplicates of our own.
            FileDescriptor[] fds = new FileDescriptor[received == null ? 0 : received.length];
            for (int i = 0; i < fds.length; i++) {
                fds[i] = FileDescriptorCast.duplicating(received[i]).getFileDescriptor();
            }
            return new Reply(Frames.text(text), fds);
        }
    }
}
