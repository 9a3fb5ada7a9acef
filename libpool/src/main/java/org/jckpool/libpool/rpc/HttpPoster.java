package org.jckpool.libpool.rpc;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 POSTs to one URL on the calling thread, over connections kept alive between calls (at most a fixed
 * number at once, see {@link ConnectionLimit}). This is all a JSON-RPC client of bitcoind needs, at a fraction of the JDK HttpClient's cost per call:
 * that client hands every request through a selector thread and executor threads, which made a 100 ms
 * getbestblockhash poll cost the generator about 5% of a core.
 *
 * <p>Replies with Content-Length, chunked or read-to-close bodies are understood, up to a size cap. A kept-alive
 * connection the node closed meanwhile (Core drops idle ones after rpcservertimeout) is noticed when the call
 * gets no reply byte on it, and the call is made once more on a new connection. Thread-safe; {@link #close}
 * closes the connections in use too, so calls blocked on them fail at once.
 */
final class HttpPoster implements AutoCloseable {
    /** Requests up to this size fit in any socket send buffer: their write cannot block. */
    private static final int SMALL_REQUEST_BYTES = 16 * 1024;
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rpc-write-deadline");
        t.setDaemon(true);
        return t;
    });

    /** A reply: status code and body (empty when there was none). */
    record Reply(int status, byte[] body) {
    }

    /** The node did not answer in time: while connecting ({@code connecting}) or after the request went out. */
    static final class Timeout extends IOException {
        final boolean connecting;

        Timeout(String message, boolean connecting) {
            super(message);
            this.connecting = connecting;
        }
    }

    /** The reply body was larger than the cap. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final URI uri;
    private final String host;
    private final int port;
    private final boolean tls;
    private final String target;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final long maxBodyBytes;
    private final ConnectionLimit limit;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    HttpPoster(URI uri, Duration connectTimeout, long maxBodyBytes, int maxConnections) {
        this.limit = new ConnectionLimit(maxConnections);
        this.uri = uri;
        String h = uri.getHost();
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.tls = "https".equals(uri.getScheme());
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        this.hostHeader = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * POSTs {@code body} as JSON and reads the reply, all before {@code deadlineNanos} (System.nanoTime()), on one
     * of at most {@code maxConnections} connections; {@code urgent} calls get the next free one first.
     */
    Reply post(byte[] body, String authorization, long deadlineNanos, boolean urgent) throws IOException {
        try {
            if (!limit.acquire(urgent, deadlineNanos)) {
                throw new Timeout("all " + limit.max() + " connections to " + uri + " stayed busy", true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for a connection to " + uri);
        }
        try {
            return postOnSlot(body, authorization, deadlineNanos);
        } finally {
            limit.release();
        }
    }

    private Reply postOnSlot(byte[] body, String authorization, long deadlineNanos) throws IOException {
        byte[] head = ("POST " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Connection c = takeIdle();
        if (c != null) {
            try {
                return exchange(c, head, body, deadlineNanos);
            } catch (StaleConnection e) {
                discard(c); // closed by the node while idle: once more on a new connection
            } catch (IOException | RuntimeException e) {
                discard(c);
                throw e;
            }
        }
        c = connect(deadlineNanos);
        try {
            return exchange(c, head, body, deadlineNanos);
        } catch (StaleConnection e) {
            discard(c);
            throw new EOFException("connection closed by " + uri + " without a reply");
        } catch (IOException | RuntimeException e) {
            discard(c);
            throw e;
        }
    }

    private Reply exchange(Connection c, byte[] head, byte[] body, long deadlineNanos) throws IOException {
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        // A socket write has no timeout: a request larger than the send buffer (a submitblock) could wait forever
        // on a node that stopped reading, so such a write is cut off by closing the socket at the deadline.
        ScheduledFuture<?> cutOff = request.length > SMALL_REQUEST_BYTES
                ? DEADLINES.schedule(() -> discard(c), Math.max(0, deadlineNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS)
                : null;
        try {
            OutputStream out = c.socket.getOutputStream();
            out.write(request);
            out.flush();
        } catch (IOException e) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw new Timeout("request to " + uri + " not taken in time", false);
            }
            if (c.reused) {
                throw new StaleConnection();
            }
            throw e;
        } finally {
            if (cutOff != null) {
                cutOff.cancel(false);
            }
        }
        if (c.in == null) {
            c.in = new BufferedInputStream(c.socket.getInputStream(), 16 * 1024);
        }
        HttpReplyReader in = new HttpReplyReader(c.socket, c.in, uri, maxBodyBytes, deadlineNanos);
        int first;
        try {
            first = in.peek();
        } catch (Timeout e) {
            throw e;
        } catch (IOException e) {
            if (c.reused) {
                throw new StaleConnection(); // reset by the node while idle
            }
            throw e;
        }
        if (first < 0 && c.reused) {
            throw new StaleConnection();
        }
        Reply reply = in.reply();
        boolean keepAlive = in.keepAlive();
        if (keepAlive && !closed) {
            c.reused = true;
            synchronized (idle) {
                idle.push(c);
            }
        } else {
            discard(c);
        }
        return reply;
    }

    private Connection takeIdle() {
        synchronized (idle) {
            return idle.poll();
        }
    }

    private Connection connect(long deadlineNanos) throws IOException {
        if (closed) {
            throw new IOException("client closed");
        }
        Socket s = new Socket();
        Connection c = new Connection(s);
        open.add(c);
        try {
            long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            s.connect(new InetSocketAddress(host, port), (int) Math.min(connectTimeoutMillis, left));
            s.setTcpNoDelay(true);
            if (tls) {
                Socket secured = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
                open.remove(c);
                c = new Connection(secured);
                open.add(c);
            }
        } catch (SocketTimeoutException e) {
            discard(c);
            throw new Timeout("connect to " + uri + " timed out", true);
        } catch (IOException | RuntimeException e) {
            discard(c);
            throw e;
        }
        if (closed) { // close() ran while connecting
            discard(c);
            throw new IOException("client closed");
        }
        return c;
    }

    private void discard(Connection c) {
        open.remove(c);
        try {
            c.socket.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.clear();
        }
        for (Connection c : open) {
            discard(c);
        }
    }

    static String snippet(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    private static final class Connection {
        final Socket socket;
        InputStream in;
        boolean reused;

        Connection(Socket socket) {
            this.socket = socket;
        }
    }

    /** A reused connection gave no reply byte: the node had closed it. */
    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("stale connection");
        }
    }
}
