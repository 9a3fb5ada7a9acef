package org.jckpool.libpool.ipc;

import org.jckpool.libpool.retry.Pause;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * The one Unix socket of a process. Each connection is either
 * <ul>
 *   <li>a control request: the server reads one frame (waiting at most the request timeout), passes its text to
 *       the {@link RequestHandler}, writes the reply frame if the handler returned one, and closes; or</li>
 *   <li>a persistent stream: when the first frame is {@code {"method":"stream.open","params":{"peer":"name"}}}
 *       the connection is handed to the {@link StreamAcceptor}; if it accepts, the server's first frame is
 *       {@code {"result":"stream.accepted"}} and the connection becomes a {@link FrameStream}, else it is closed.</li>
 * </ul>
 * Bounds, so that nobody with access to the socket can exhaust the process's memory:
 * <ul>
 *   <li>a request frame may be at most {@link #maxRequestBytes} (default 1 MiB; a stream's frames are capped at
 *       {@link Frames#MAX_FRAME} instead), and its buffer grows as its bytes arrive, never on the header's word;</li>
 *   <li>the whole request must arrive within the request timeout of the connection (one deadline, so a client
 *       trickling bytes is cut off like a silent one);</li>
 *   <li>at most {@link #maxConnections} requests are read or handled at once; more connections are closed at
 *       once, with a (rate-limited) log line.</li>
 * </ul>
 * Bad frames (length 0, over the cap, truncated) and late clients are logged and dropped; other connections are
 * not affected. The socket file gets mode 0770.
 */
public final class ControlServer implements Closeable {
    /** Answers one control request; returns the reply text, or null to send no reply. */
    @FunctionalInterface
    public interface RequestHandler {
        String handle(String request);
    }

    /** Answers a request whose reply carries file descriptors (see {@link DescriptorPassing}). */
    @FunctionalInterface
    public interface DescriptorHandler {
        DescriptorPassing.Reply handle(String request);
    }

    /** Accepts a stream opened by {@code peer}: returns its listener, or null to refuse (connection closed). */
    @FunctionalInterface
    public interface StreamAcceptor {
        FrameStream.Listener open(String peer);
    }

    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
    /** Control requests are commands: the largest legitimate one (a submitblock to the generator) is set apart. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    private final Path path;
    private final ServerSocketChannel server;
    private final RequestHandler handler;
    private final ThreadPoolExecutor workers;
    /** One permit per request being read or handled: the connection cap. */
    private volatile Semaphore slots = new Semaphore(DEFAULT_MAX_CONNECTIONS);
    private volatile int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private final Set<FrameStream> streams = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile StreamAcceptor streamAcceptor;
    private volatile String descriptorCommand;
    private volatile DescriptorHandler descriptorHandler;
    private volatile long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    private volatile int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    /** Requests being read now, for {@link #requestBytesHeld}. */
    private final Set<IncomingFrame> reading = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog refusedLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private volatile boolean closed;
    private volatile Path current;

    private ControlServer(Path path, ServerSocketChannel server, RequestHandler handler) {
        this.path = path;
        this.current = path;
        this.server = server;
        this.handler = handler;
        AtomicInteger n = new AtomicInteger();
        String name = path.getFileName().toString();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "ctl-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "ctl-accept-" + name);
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code socket} and starts serving. A leftover socket file nobody answers on is replaced; a live one
     * makes this fail (another process owns it).
     */
    public static ControlServer open(Path socket, RequestHandler handler) throws IOException {
        if (Files.exists(socket)) {
            if (isLive(socket)) {
                throw new IOException("socket " + socket + " is in use by a running process");
            }
            Files.deleteIfExists(socket);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(socket), 64);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwx---"));
            SocketDirs.applyGroup(socket);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        ControlServer s = new ControlServer(socket, ch, handler);
        s.acceptor.start();
        return s;
    }

    /** True when something accepts connections on this socket path. */
    public static boolean isLive(Path socket) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Registers the acceptor for persistent streams (without one, stream.open connections are refused). */
    public ControlServer onStream(StreamAcceptor acceptor) {
        this.streamAcceptor = acceptor;
        return this;
    }

    /**
     * Requests starting with {@code command} (ckpool's prefix rule) are answered by {@code h}, whose reply goes
     * out with its descriptors attached ({@link DescriptorPassing#reply}). One such command per server.
     */
    public ControlServer onDescriptorRequest(String command, DescriptorHandler h) {
        this.descriptorHandler = h;
        this.descriptorCommand = command;
        return this;
    }

    /** How long a client may take, from connecting, to send its whole request frame (default 5 s). */
    ControlServer requestTimeout(long ms) {
        this.requestTimeoutMs = ms;
        return this;
    }

    /** The largest request frame accepted on this socket (default {@value #DEFAULT_MAX_REQUEST_BYTES}). */
    public ControlServer maxRequestBytes(int bytes) {
        if (bytes < 1 || bytes > Frames.MAX_FRAME) {
            throw new IllegalArgumentException("request cap must be 1.." + Frames.MAX_FRAME + " bytes, got " + bytes);
        }
        this.maxRequestBytes = bytes;
        return this;
    }

    /** How many requests may be read or handled at once (default {@value #DEFAULT_MAX_CONNECTIONS}). */
    ControlServer maxConnections(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("connection cap must be >= 1, got " + n);
        }
        this.slots = new Semaphore(n);
        this.maxConnections = n;
        return this;
    }

    /** Requests being read or handled now. */
    int connectionsInProgress() {
        return maxConnections - slots.availablePermits();
    }

    /** Bytes of buffer held by the requests being read now (header and body so far). */
    long requestBytesHeld() {
        return reading.stream().mapToLong(IncomingFrame::held).sum();
    }

    /** Bytes received by the requests being read now. */
    long requestBytesReceived() {
        return reading.stream().mapToLong(IncomingFrame::received).sum();
    }

    public Path path() {
        return path;
    }

    /** Streams currently open on this server. */
    public Set<FrameStream> streams() {
        return Set.copyOf(streams);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                Log.err("Control socket %s: accept failed: %s", path, e.getMessage());
                Pause.quietly(50);
                continue;
            }
            Semaphore s = slots;
            if (!s.tryAcquire()) {
                refusedLog.log(System.nanoTime(), String.format("Control socket %s: %d connections in progress, "
                        + "refusing a new one", path, maxConnections));
                closeQuietly(c);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(c);
                    } finally {
                        s.release();
                    }
                });
            } catch (RejectedExecutionException e) { // only once closed
                s.release();
                closeQuietly(c);
            }
        }
    }

    private void serve(SocketChannel c) {
        boolean handedOver = false;
        try {
            byte[] req = readRequest(c);
            if (req == null) {
                Log.debug("Control socket %s: client closed without a request", path);
                return;
            }
            String text = Frames.text(req);
            String peer = streamPeer(text);
            if (peer != null) {
                handedOver = openStream(c, peer);
                return;
            }
            String fdCommand = descriptorCommand;
            if (fdCommand != null && text.startsWith(fdCommand)) {
                DescriptorPassing.Reply r;
                try {
                    r = descriptorHandler.handle(text);
                } catch (RuntimeException e) {
                    Log.err("Control socket %s: handler failed on '%s': %s", path, abbreviate(text), e);
                    return;
                }
                DescriptorPassing.reply(c, r.text(), r.descriptors());
                return;
            }
            String reply;
            try {
                reply = handler.handle(text);
            } catch (RuntimeException e) {
                Log.err("Control socket %s: handler failed on '%s': %s", path, abbreviate(text), e);
                reply = null;
            }
            if (reply != null && !reply.isEmpty()) {
                Frames.writeWithTimeout(c, Frames.utf8(reply), requestTimeoutMs);
            }
        } catch (SocketTimeoutException e) {
            Log.warning("Control socket %s: dropping client: %s", path, e.getMessage());
        } catch (FrameException e) {
            Log.warning("Control socket %s: dropping client with a bad frame: %s", path, e.getMessage());
        } catch (IOException e) {
            Log.info("Control socket %s: client I/O failed: %s", path, e.getMessage());
        } finally {
            if (!handedOver) {
                closeQuietly(c);
            }
        }
    }

    /** The request frame, read within the request timeout and the request cap; null when the client sent nothing. */
    private byte[] readRequest(SocketChannel c) throws IOException {
        int cap = maxRequestBytes;
        IncomingFrame f = new IncomingFrame(cap, "the request cap of " + path);
        reading.add(f);
        try {
            return Frames.read(c, f, requestTimeoutMs, -1);
        } finally {
            reading.remove(f);
        }
    }

    private boolean openStream(SocketChannel c, String peer) {
        StreamAcceptor a = streamAcceptor;
        FrameStream.Listener l = a == null ? null : a.open(peer);
        if (l == null) {
            if (a == null) {
                Log.warning("Control socket %s: refusing stream from %s (no stream handler)", path, peer);
            } else {
                // the handler said not yet (it logs why); its peer retries, up to every 100 ms
                Log.info("Control socket %s: stream from %s refused by its handler", path, peer);
            }
            return false;
        }
        FrameStream.Listener tracked = new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream stream) {
                streams.add(stream);
                l.onOpen(stream);
            }

            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                l.onFrame(stream, frame);
            }

            @Override
            public void onClose(FrameStream stream, Throwable cause) {
                streams.remove(stream);
                l.onClose(stream, cause);
            }
        };
        try {
            Frames.writeWithTimeout(c, Frames.utf8(StreamHandshake.ACCEPTED), requestTimeoutMs);
        } catch (IOException e) {
            Log.info("Control socket %s: stream from %s gone before it was accepted: %s", path, peer, e.getMessage());
            return false;
        }
        Log.info("Control socket %s: stream opened by %s", path, peer);
        FrameStream s = ThreadedFrameStream.start(c, peer, tracked, FrameStream.DEFAULT_QUEUE_CAPACITY,
                FrameStream.DEFAULT_SEND_TIMEOUT_MS);
        if (closed) {
            s.close();
        }
        return true;
    }

    /** The peer name when the text is a stream.open request, else null. */
    static String streamPeer(String text) {
        if (!text.startsWith("{") || !text.contains("stream.open")) {
            return null;
        }
        JsonNode n = Json.parseOrNull(text);
        if (n == null || !"stream.open".equals(Json.text(n, "method"))) {
            return null;
        }
        String peer = Json.text(n.path("params"), "peer");
        return peer == null || peer.isBlank() ? "unnamed" : peer;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /**
     * Frees the socket's path for a successor (a handover): the socket file is renamed to {@code to}, where this
     * server goes on answering (a Unix socket is found by its file, whatever its name), and {@link #close()}
     * removes that file instead of the successor's.
     */
    public void movePath(Path to) throws IOException {
        Files.move(path, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        current = to;
    }

    /** Where the socket answers now: its path, or where {@link #movePath} moved it. */
    public Path currentPath() {
        return current;
    }

    /** Stops accepting, closes open streams and removes the socket file (unless released). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        workers.shutdown();
        for (FrameStream s : streams) {
            s.close();
        }
        try {
            Files.deleteIfExists(current);
        } catch (IOException e) {
            Log.warning("Could not remove socket %s: %s", path, e.getMessage());
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

}
