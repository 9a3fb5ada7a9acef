package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One passthrough connection to the upstream pool: TCP connect, {@code mining.passthrough}, the upstream's
 * {@code {"result": true}} within the handshake timeout (anything else refuses), then lines both ways. One reader
 * thread hands the upstream's lines to the {@link Listener} in order; {@link #send} may be called from any
 * thread. A line longer than {@link #MAX_LINE} from upstream ends the connection.
 */
final class UpstreamConnection implements AutoCloseable {
    static final int MAX_LINE = 1 << 20;

    interface Listener {
        void line(UpstreamConnection c, String line);

        /** Once, when the connection ends for any reason (also after {@link #close}). */
        void closed(UpstreamConnection c, String reason);
    }

    private final HostPort address;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Listener listener;
    /** When the oldest line sent since the upstream last sent anything went out (0: none is waiting). */
    private volatile long waitingSinceMillis;

    private UpstreamConnection(HostPort address, Socket socket) throws IOException {
        this.address = address;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16_384);
        this.out = socket.getOutputStream();
    }

    /** Connects and runs the passthrough handshake; throws when the upstream cannot be reached or refuses. */
    static UpstreamConnection open(HostPort address, int timeoutMillis, Listener listener) throws IOException {
        return open(address, timeoutMillis, PassthroughLines.PASSTHROUGH_REQUEST, listener);
    }

    /** As above with another first line ({@code mining.node} for a node), answered alike. */
    static UpstreamConnection open(HostPort address, int timeoutMillis, String handshake, Listener listener)
            throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address.host(), address.port()), timeoutMillis);
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            UpstreamConnection c = new UpstreamConnection(address, s);
            c.write(handshake);
            s.setSoTimeout(timeoutMillis);
            String reply = c.readLine();
            JsonNode r = reply == null ? null : Json.parseOrNull(reply);
            if (r == null || !r.path("result").asBoolean(false)) {
                throw new IOException((handshake.contains("mining.node") ? "mining.node" : "passthrough")
                        + " refused by " + address + ": "
                        + (reply == null ? "connection closed" : Log.abbreviate(reply, 120)));
            }
            s.setSoTimeout(0);
            c.listener = listener;
            Thread reader = new Thread(c::readLoop, "passthrough-upstream-" + address);
            reader.setDaemon(true);
            reader.start();
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    HostPort address() {
        return address;
    }

    /**
     * Since when a line we sent has had nothing at all back from the upstream (epoch ms), or 0. A live pool answers
     * every request of a miner, so a long wait means the upstream hangs even if the connection stays open.
     */
    long waitingSinceMillis() {
        return waitingSinceMillis;
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** Writes a miner's line, which the upstream answers; false (and the connection closed) when it cannot. */
    boolean send(String line) {
        return send(line, true);
    }

    /** Writes a line the upstream does not answer (mining.term). */
    boolean sendUnanswered(String line) {
        return send(line, false);
    }

    private boolean send(String line, boolean answered) {
        if (closed.get()) {
            return false;
        }
        try {
            byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                if (answered && waitingSinceMillis == 0) {
                    waitingSinceMillis = System.currentTimeMillis();
                }
                out.write(b);
                out.flush();
            }
            return true;
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
            return false;
        }
    }

    /** The handshake's request (its answer has a timeout of its own). */
    private void write(String line) throws IOException {
        synchronized (out) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void readLoop() {
        String reason = "closed by the upstream";
        try {
            String line;
            while ((line = readLine()) != null) {
                waitingSinceMillis = 0;
                if (!line.isBlank()) {
                    listener.line(this, line);
                }
            }
        } catch (IOException e) {
            reason = "read failed: " + e.getMessage();
        }
        close(reason);
    }

    /** One line without its newline (a trailing CR dropped too); null at the end of the stream. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return trimCr(line.toString(StandardCharsets.UTF_8));
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a line over " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : trimCr(line.toString(StandardCharsets.UTF_8));
    }

    private static String trimCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        Listener l = listener;
        if (l != null) {
            l.closed(this, reason);
        }
    }

    @Override
    public void close() {
        close("closed");
    }
}
