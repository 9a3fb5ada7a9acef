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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.jckpool.libpool.log.Log;

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
    private final ConnectionSlots slots = new ConnectionSlots(DEFAULT_MAX_CONNECTIONS);
    private final ControlStreams streams;
    private final Thread acceptor;
    private volatile String descriptorCommand;
    private volatile DescriptorHandler descriptorHandler;
    private volatile long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    private volatile int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    /** Requests being read now, for {@link #requestBytesHeld}. */
    private final Set<IncomingFrame> reading = ConcurrentHashMap.newKeySet();
    /** Where the request deadline and the refusal log read the time: System::nanoTime, or a test's clock. */
    private volatile LongSupplier nanoTime = System::nanoTime;
    private volatile boolean closed;
    private volatile Path current;

    private ControlServer(Path path, ServerSocketChannel server, RequestHandler handler) {
        this.path = path;
        this.current = path;
        this.server = server;
        this.handler = handler;
        this.streams = new ControlStreams(path);
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
        streams.acceptor(acceptor);
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

    /** The clock of the request deadline, for tests (default {@code System::nanoTime}). */
    ControlServer clock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
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
        slots.resize(n);
        return this;
    }

    /** Requests being read or handled now. */
    int connectionsInProgress() {
        return slots.inUse();
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
        return streams.open();
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
            long acceptedAt = nanoTime.getAsLong(); // the request deadline counts from here
            Runnable release = slots.take(path, nanoTime);
            if (release == null) {
                closeQuietly(c);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(c, acceptedAt);
                    } finally {
                        release.run();
                    }
                });
            } catch (RejectedExecutionException e) { // only once closed
                release.run();
                closeQuietly(c);
            }
        }
    }

    private void serve(SocketChannel c, long acceptedAt) {
        boolean handedOver = false;
        try {
            byte[] req = readRequest(c, acceptedAt);
            if (req == null) {
                Log.debug("Control socket %s: client closed without a request", path);
                return;
            }
            String text = Frames.text(req);
            String peer = ControlStreams.peerOf(text);
            if (peer != null) {
                handedOver = streams.open(c, peer, requestTimeoutMs);
                return;
            }
            String fdCommand = descriptorCommand;
            if (fdCommand != null && text.startsWith(fdCommand)) {
                DescriptorPassing.Reply r;
                try {
                    r = descriptorHandler.handle(text);
                } catch (RuntimeException e) {
                    Log.err("Control socket %s: handler failed on '%s': %s", path, Log.abbreviate(text, 80), e);
                    return;
                }
                DescriptorPassing.reply(c, r.text(), r.descriptors());
                return;
            }
            String reply;
            try {
                reply = handler.handle(text);
            } catch (RuntimeException e) {
                Log.err("Control socket %s: handler failed on '%s': %s", path, Log.abbreviate(text, 80), e);
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
    private byte[] readRequest(SocketChannel c, long acceptedAt) throws IOException {
        int cap = maxRequestBytes;
        IncomingFrame f = new IncomingFrame(cap, "the request cap of " + path);
        reading.add(f);
        try {
            return Frames.read(c, f, acceptedAt, requestTimeoutMs, -1, nanoTime);
        } finally {
            reading.remove(f);
        }
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
        streams.closeAll();
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
