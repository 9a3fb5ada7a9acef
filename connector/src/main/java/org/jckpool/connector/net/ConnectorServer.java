package org.jckpool.connector.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jckpool.libpool.ipc.PolledChannel;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * The connector's networking core: NIO servers on every serverurl entry and the miners' connections, all served
 * by one I/O thread (no thread per client). Lines from clients go to an {@link Upstream}; lines for clients come
 * in through {@link Downstream}, from any thread.
 *
 * <p>Broadcasts ({@link #sendAll}) reach only clients marked by {@link #subscribe}. While {@link #setAdmitting}
 * is false new connections are accepted and closed at once (the process does so while the stratifier is not
 * reachable).
 *
 * <p>Memory per client stays small and bounded: a partial-line buffer exists only while a line is incomplete and
 * never exceeds {@code maxLineBytes}; the output queue holds at most {@code maxQueuedBytes} (broadcast buffers are
 * shared between all clients, each queue holding a {@code duplicate()} view).
 */
public final class ConnectorServer implements Downstream, AutoCloseable {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int ACCEPTS_PER_WAKEUP = 256;
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;
    /** Callers of send/sendAll/drop wait while this many requests are not yet handled by the I/O thread. */
    private static final int MAX_PENDING_COMMANDS = 65_536;
    private static final int COMMANDS_PER_ROUND = 16_384;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ConnectorSettings settings;
    private final Upstream upstream;
    private final AcceptFunction acceptFunction;
    private final Selector selector;
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<Long, ClientConnection> clients = new HashMap<>();
    private final ClientIds ids = new ClientIds();
    // Direct buffers for the socket calls: with heap buffers NIO copies through a temporary direct buffer of its
    // own, fetched from and returned to a thread-local cache on every call (and per buffer of a gathering write).
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final byte[] readBytes = new byte[READ_BUFFER_BYTES];
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCommands = new AtomicInteger();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final Thread ioThread;
    private volatile boolean running = true;

    private final RateLimitedLog fullLog = new RateLimitedLog(Log.WARNING, LOG_INTERVAL_NANOS);
    private final RateLimitedLog acceptFailLog = new RateLimitedLog(Log.ERR, LOG_INTERVAL_NANOS);
    private final RateLimitedLog oversizeLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(1));
    private final RateLimitedLog notAdmittingLog = new RateLimitedLog(Log.NOTICE, TimeUnit.SECONDS.toNanos(10));
    private volatile boolean admitting = true;

    private final AtomicInteger clientCount = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refusedFull = new AtomicLong();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final AtomicLong droppedOversize = new AtomicLong();
    private final AtomicLong droppedSlow = new AtomicLong();
    private final AtomicLong droppedIdle = new AtomicLong();
    private final AtomicLong refusedNotAdmitting = new AtomicLong();
    private final AtomicLong droppedByStratifier = new AtomicLong();
    private final AtomicLong droppedByAdmin = new AtomicLong();
    private final AtomicLong droppedAll = new AtomicLong();
    private final ConcurrentLinkedQueue<PolledChannel> streamsToPoll = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong linesIn = new AtomicLong();
    private final AtomicLong linesOut = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong peakQueuedBytes = new AtomicLong();
    /** Clients given output in the current round of commands; written once the round is over. */
    private final ArrayList<ClientConnection> pendingFlush = new ArrayList<>();
    private long nextHousekeepingNanos;
    private boolean commandsLeft;

    private ConnectorServer(ConnectorSettings settings, Upstream upstream, AcceptFunction acceptFunction,
                            List<ServerSocketChannel> handedOver) throws IOException {
        this.settings = settings;
        this.upstream = upstream;
        this.acceptFunction = acceptFunction;
        this.selector = Selector.open();
        try {
            for (int i = 0; i < settings.listen().size(); i++) {
                listeners.add(i < handedOver.size() ? adopt(handedOver.get(i), settings.listen().get(i), i)
                        : bind(settings.listen().get(i), i));
            }
        } catch (IOException | RuntimeException e) {
            for (Listener l : listeners) {
                closeQuietly(l.channel);
            }
            closeQuietly(selector);
            throw e;
        }
        this.ioThread = new Thread(this::runLoop, "connector-io");
        this.ioThread.setDaemon(true);
    }

    /** Binds every serverurl entry and starts serving; fails with the address when one cannot be bound. */
    public static ConnectorServer start(ConnectorSettings settings, Upstream upstream) throws IOException {
        return start(settings, upstream, AcceptFunction.DEFAULT);
    }

    /**
     * Binds every serverurl entry and starts the I/O thread; with {@code admitting} false, new connections are
     * refused until {@link #setAdmitting} turns it on (the ports are bound at once so a bad serverurl fails
     * the start).
     */
    public static ConnectorServer start(ConnectorSettings settings, Upstream upstream, boolean admitting)
            throws IOException {
        return start(settings, upstream, admitting, List.of());
    }

    /**
     * As {@link #start(ConnectorSettings, Upstream, boolean)}, serving on listening sockets bound by another
     * process (the listener's, one per serverurl entry in order; entries beyond the list are bound here). While
     * not admitting, nothing is accepted on those: connects wait in the kernel's backlog until the connector can
     * serve them, instead of being accepted and closed.
     */
    public static ConnectorServer start(ConnectorSettings settings, Upstream upstream, boolean admitting,
                                        List<ServerSocketChannel> handedOver) throws IOException {
        ConnectorServer server = new ConnectorServer(settings, upstream, AcceptFunction.DEFAULT, handedOver);
        server.admitting = admitting;
        server.ioThread.start();
        return server;
    }

    static ConnectorServer start(ConnectorSettings settings, Upstream upstream, AcceptFunction acceptFunction)
            throws IOException {
        ConnectorServer server = new ConnectorServer(settings, upstream, acceptFunction, List.of());
        server.ioThread.start();
        return server;
    }

    private Listener bind(ListenAddress address, int index) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address.toSocketAddress(), 1024);
            channel.configureBlocking(false);
            Listener listener = new Listener(channel, address, index);
            listener.key = channel.register(selector, SelectionKey.OP_ACCEPT, listener);
            Log.notice("Connector listening on %s (serverurl %s, server %d)", channel.getLocalAddress(), address,
                    index);
            return listener;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IOException("cannot listen on serverurl " + address + ": " + e.getMessage(), e);
        }
    }

    private Listener adopt(ServerSocketChannel channel, ListenAddress address, int index) throws IOException {
        try {
            channel.configureBlocking(false);
            Listener listener = new Listener(channel, address, index);
            listener.handedOver = true;
            listener.key = channel.register(selector, SelectionKey.OP_ACCEPT, listener);
            Log.notice("Connector accepting on %s, held by the listener (serverurl %s, server %d)",
                    channel.getLocalAddress(), address, index);
            return listener;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IOException("cannot accept on the handed-over socket of " + address + ": " + e.getMessage(), e);
        }
    }

    /** The bound addresses, in serverurl order (useful with port 0). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Listener l : listeners) {
            try {
                out.add((InetSocketAddress) l.channel.getLocalAddress());
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }

    /** False once {@link #close()} was called or the I/O loop failed (logged); the process should then exit. */
    public boolean isRunning() {
        return running && ioThread.isAlive();
    }

    public int clientCount() {
        return clientCount.get();
    }

    public ConnectorStats stats() {
        return new ConnectorStats(clientCount.get(), accepted.get(), refusedFull.get(), refusedNotAdmitting.get(),
                acceptFailures.get(), droppedOversize.get(), droppedSlow.get(), droppedIdle.get(),
                droppedByStratifier.get(), droppedByAdmin.get(), droppedAll.get(), linesIn.get(), linesOut.get(),
                bytesIn.get(), bytesOut.get(), peakQueuedBytes.get());
    }

    /**
     * Whether new connections are served. When false, each new connection is accepted and closed at once (counted
     * in {@link ConnectorStats#refusedNotAdmitting()}); connected clients are not affected.
     */
    public void setAdmitting(boolean admit) {
        admitting = admit;
        if (admit) {
            selector.wakeup(); // handed-over listeners held while not admitting resume accepting
        }
    }

    public boolean isAdmitting() {
        return admitting;
    }

    /**
     * Closes every connected client (each reported to the upstream as disconnected with {@code reason}). The
     * future completes with the number dropped once the I/O thread has done it, or with 0 when not running.
     */
    /**
     * Has the I/O thread read a polled channel (the stratifier's stream) in its selector: its frames are
     * handled on the I/O thread as they arrive, and what they ask of this server (send, drop...) is done in the
     * same round, with no hand-over between threads. The registration ends when the stream closes.
     */
    public void pollStream(PolledChannel stream) {
        streamsToPoll.add(stream);
        selector.wakeup();
    }

    /**
     * Runs {@code task} on the I/O thread, in order with the other requests (the stratifier link replays its
     * backlog there, so that nothing the I/O thread relays can overtake it). False when not running.
     */
    public boolean runOnIoThread(Runnable task) {
        return submit(new Command(Command.RUN, 0, null, null, null, task));
    }

    public CompletableFuture<Integer> dropAll(String reason) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (!submit(new Command(Command.DROP_ALL, 0, null, reason, done, null))) {
            done.complete(0);
        }
        return done;
    }

    /**
     * Drops one client at an operator's request. The future completes with false when no such client is
     * connected (or the server is not running).
     */
    public CompletableFuture<Boolean> dropByAdmin(long id, String reason) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!submit(new Command(Command.DROP_ADMIN, id, null, reason, done, null))) {
            done.complete(false);
        }
        return done;
    }

    // ---- Downstream: any thread ----

    @Override
    public void send(long id, byte[] line, int offset, int length) {
        ByteBuffer data = encodeLine(line, offset, length);
        // A polled stream's replies arrive on the I/O thread: queue them for the client at once, with no command
        // in between, unless earlier commands still wait (they go first).
        if (Thread.currentThread() == ioThread && running && commands.isEmpty()) {
            sendNow(id, data, System.nanoTime());
        } else {
            submit(new Command(Command.SEND, id, data, null, null, null));
        }
    }

    @Override
    public void sendAll(byte[] line, int offset, int length) {
        submit(new Command(Command.SEND_ALL, 0, encodeLine(line, offset, length), null, null, null));
    }

    @Override
    public void drop(long id, String reason) {
        submit(new Command(Command.DROP, id, null, reason, null, null));
    }

    @Override
    public void subscribe(long id) {
        submit(new Command(Command.SUBSCRIBE, id, null, null, null, null));
    }

    private static ByteBuffer encodeLine(byte[] line, int offset, int length) {
        boolean hasNewline = length > 0 && line[offset + length - 1] == '\n';
        byte[] out = new byte[hasNewline ? length : length + 1];
        System.arraycopy(line, offset, out, 0, length);
        out[out.length - 1] = '\n';
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
    }

    /** Queues a request for the I/O thread; false when the server is no longer running. */
    private boolean submit(Command command) {
        if (!running) {
            return false;
        }
        commands.add(command);
        int pending = pendingCommands.incrementAndGet();
        // the I/O thread itself (a polled stream's frames) runs its commands before the round ends
        if (Thread.currentThread() != ioThread && wakeupRequested.compareAndSet(false, true)) {
            selector.wakeup();
        }
        // Back-pressure for producers on other threads; the I/O thread itself must never wait here.
        if (pending > MAX_PENDING_COMMANDS && Thread.currentThread() != ioThread) {
            while (running && pendingCommands.get() > MAX_PENDING_COMMANDS) {
                LockSupport.parkNanos(100_000);
            }
        }
        return true;
    }

    /** Stops serving: closes every listener and client (each reported to the upstream as disconnected). */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (Thread.currentThread() != ioThread) {
            try {
                ioThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- I/O thread ----

    private void runLoop() {
        nextHousekeepingNanos = System.nanoTime() + settings.housekeepingInterval().toNanos();
        try {
            while (running) {
                long now = System.nanoTime();
                if (commandsLeft) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextWakeNanos(now) - now)));
                }
                wakeupRequested.set(false);
                registerPolledStreams();
                commandsLeft = !runCommands();
                flushPending(System.nanoTime());
                handleSelected();
                if (!commands.isEmpty()) { // asked for by a polled stream's frames during this round
                    commandsLeft = !runCommands();
                }
                flushPending(System.nanoTime()); // replies a polled stream's frames queued during this round
                now = System.nanoTime();
                if (now - nextHousekeepingNanos >= 0) {
                    housekeeping(now);
                    nextHousekeepingNanos = now + settings.housekeepingInterval().toNanos();
                }
                resumePausedListeners(now);
                upstream.roundDone();
                commandsLeft |= !commands.isEmpty();
            }
        } catch (IOException | RuntimeException e) {
            Log.crit("Connector I/O loop failed: %s", e);
        } finally {
            shutdown();
        }
    }

    private long nextWakeNanos(long now) {
        long wake = nextHousekeepingNanos;
        for (Listener l : listeners) {
            if (l.paused && l.resumeNanos - wake < 0) {
                wake = l.resumeNanos;
            }
        }
        return wake;
    }

    private void handleSelected() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            try {
                handleKey(key);
            } catch (RuntimeException e) {
                // A bug or a key cancelled under us must cost one client at most, never the whole connector.
                Log.err("Unexpected failure serving %s: %s", key.attachment(), e);
                if (key.attachment() instanceof ClientConnection client) {
                    closeClient(client, "internal error: " + e, -1);
                }
            }
        }
    }

    private void registerPolledStreams() {
        PolledChannel stream;
        while ((stream = streamsToPoll.poll()) != null) {
            try {
                stream.registerReads(selector, stream);
            } catch (ClosedChannelException e) {
                // closed before it got here: its onClose has run
            }
        }
    }

    private void handleKey(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof PolledChannel stream) {
            if (key.isValid() && key.isReadable() && !stream.readAvailable()) {
                key.cancel();
            }
            return;
        }
        if (attachment instanceof Listener listener) {
            if (key.isValid() && key.isAcceptable()) {
                acceptClients(listener);
            }
            return;
        }
        ClientConnection client = (ClientConnection) attachment;
        if (client.closed || !key.isValid()) {
            return;
        }
        if (key.isReadable()) {
            readFrom(client);
        }
        if (!client.closed && key.isValid() && key.isWritable()) {
            String failure = flush(client, System.nanoTime());
            if (failure != null) {
                closeClient(client, failure, Log.DEBUG);
            }
        }
    }

    /**
     * Runs queued requests, at most {@link #COMMANDS_PER_ROUND} so that reads and accepts are not starved by a
     * busy producer. Returns true when the queue was emptied.
     */
    private boolean runCommands() {
        for (int done = 0; done < COMMANDS_PER_ROUND; done++) {
            Command command = commands.poll();
            if (command == null) {
                return true;
            }
            pendingCommands.decrementAndGet();
            try {
                runCommand(command, System.nanoTime());
            } catch (RuntimeException e) {
                Log.err("Unexpected failure handling a request for client %d: %s", command.id, e);
            }
        }
        return commands.isEmpty();
    }

    private void runCommand(Command command, long now) {
        switch (command.kind) {
            case Command.SEND -> sendNow(command.id, command.data, now);
            case Command.SEND_ALL -> {
                // Collect failures first: closing inside the loop would change the map being iterated.
                List<ClientConnection> failed = null;
                List<String> failures = null;
                for (ClientConnection client : clients.values()) {
                    if (!client.subscribed) {
                        continue;
                    }
                    String failure = enqueue(client, command.data.duplicate(), now);
                    if (failure != null) {
                        if (failed == null) {
                            failed = new ArrayList<>();
                            failures = new ArrayList<>();
                        }
                        failed.add(client);
                        failures.add(failure);
                    }
                }
                for (int i = 0; failed != null && i < failed.size(); i++) {
                    dropForFailure(failed.get(i), failures.get(i));
                }
            }
            case Command.DROP -> {
                ClientConnection client = clients.get(command.id);
                if (client == null) {
                    Log.debug("Drop for unknown client %d ignored", command.id);
                    return;
                }
                droppedByStratifier.incrementAndGet();
                flushAndClose(client, "dropped by stratifier: " + command.reason, now);
            }
            case Command.DROP_ADMIN -> {
                ClientConnection client = clients.get(command.id);
                if (client != null) {
                    droppedByAdmin.incrementAndGet();
                    flushAndClose(client, command.reason, now);
                }
                command.complete(client != null);
            }
            case Command.DROP_ALL -> {
                List<ClientConnection> all = new ArrayList<>(clients.values());
                droppedAll.addAndGet(all.size()); // counted first: a miner seeing its close finds it counted
                for (ClientConnection client : all) {
                    closeClient(client, command.reason, Log.DEBUG);
                }
                command.complete(all.size());
            }
            case Command.SUBSCRIBE -> {
                ClientConnection client = clients.get(command.id);
                if (client == null) {
                    Log.debug("Subscribe for unknown client %d ignored", command.id);
                    return;
                }
                client.subscribed = true;
            }
            case Command.RUN -> command.task.run();
            default -> throw new IllegalStateException("unknown command " + command.kind);
        }
    }

    private void sendNow(long id, ByteBuffer data, long now) {
        ClientConnection client = clients.get(id);
        if (client == null) {
            Log.debug("Line for unknown client %d discarded", id);
            return;
        }
        String failure = enqueue(client, data, now);
        if (failure != null) {
            dropForFailure(client, failure);
        }
    }

    private void flushAndClose(ClientConnection client, String reason, long now) {
        if (client.hasQueuedOutput()) {
            flush(client, now); // one last try; whatever does not fit is lost with the connection
        }
        closeClient(client, reason, Log.INFO);
    }

    private void dropForFailure(ClientConnection client, String failure) {
        if (failure.startsWith(QUEUE_FULL)) {
            droppedSlow.incrementAndGet();
            abortClient(client, failure);
        } else {
            closeClient(client, failure, Log.DEBUG);
        }
    }

    private static final String QUEUE_FULL = "output queue full";

    /**
     * Queues {@code data} for the client. Nothing is written here: a client whose queue was empty is noted, and
     * {@link #flushPending} writes each such client's queue with one write after the round, so a burst of
     * replies to one miner costs one system call, not one per reply. Returns null, or why the client must be
     * dropped.
     */
    private String enqueue(ClientConnection client, ByteBuffer data, long now) {
        if (client.closed) {
            return null;
        }
        int length = data.remaining();
        if (client.queuedBytes + length > settings.maxQueuedBytes() && client.flushPending) {
            // the cap is for output the socket refused, not for a burst not yet written: write it first
            String failure = flush(client, now);
            if (failure != null) {
                return failure;
            }
        }
        if (client.queuedBytes + length > settings.maxQueuedBytes()) {
            return QUEUE_FULL + ": " + client.queuedBytes + " bytes waiting, cap " + settings.maxQueuedBytes()
                    + " (client not reading)";
        }
        linesOut.incrementAndGet();
        ArrayDeque<ByteBuffer> queue = client.outputQueue();
        if (queue.isEmpty()) {
            client.lastWriteProgressNanos = now;
            if (!client.flushPending) {
                client.flushPending = true;
                pendingFlush.add(client);
            }
        }
        queue.addLast(data);
        client.queuedBytes += length;
        return null;
    }

    /** Writes the output queued during the last round of commands (see {@link #enqueue}). */
    private void flushPending(long now) {
        for (int i = 0; i < pendingFlush.size(); i++) {
            ClientConnection client = pendingFlush.get(i);
            client.flushPending = false;
            if (client.closed || !client.hasQueuedOutput()) {
                continue;
            }
            String failure = flush(client, now);
            if (failure != null) {
                closeClient(client, failure, Log.DEBUG);
            }
        }
        pendingFlush.clear();
    }

    /** Writes as much queued output as the socket takes. Returns null, or why the client must be dropped. */
    private String flush(ClientConnection client, long now) {
        ArrayDeque<ByteBuffer> queue = client.outputQueue();
        while (!queue.isEmpty()) {
            int staged = stage(queue);
            int written;
            try {
                written = client.channel.write(writeBuffer);
            } catch (IOException e) {
                return "write failed: " + e.getMessage();
            }
            if (written > 0) {
                bytesOut.addAndGet(written);
                client.queuedBytes -= written;
                client.lastWriteProgressNanos = now;
                consume(queue, written);
            }
            if (written < staged) {
                break; // socket buffer full
            }
        }
        SelectionKey key = client.key;
        if (queue.isEmpty()) {
            client.queuedBytes = 0;
        } else if (client.queuedBytes > peakQueuedBytes.get()) {
            peakQueuedBytes.set(client.queuedBytes); // only the I/O thread writes it
        }
        if (key.isValid()) {
            // interestOps(int) queues a selector update even when nothing changes: only call it on a change
            int ops = key.interestOps();
            int wanted = queue.isEmpty() ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
            if (wanted != ops) {
                key.interestOps(wanted);
            }
        }
        return null;
    }

    /** Copies the head of the queue (up to the write buffer's size) into the write buffer; returns the count. */
    private int stage(ArrayDeque<ByteBuffer> queue) {
        writeBuffer.clear();
        for (ByteBuffer b : queue) {
            int take = Math.min(b.remaining(), writeBuffer.remaining());
            writeBuffer.put(writeBuffer.position(), b, b.position(), take);
            writeBuffer.position(writeBuffer.position() + take);
            if (!writeBuffer.hasRemaining()) {
                break;
            }
        }
        return writeBuffer.flip().remaining();
    }

    /** Drops the first {@code written} bytes from the queue. */
    private static void consume(ArrayDeque<ByteBuffer> queue, int written) {
        int left = written;
        while (left > 0) {
            ByteBuffer head = queue.peekFirst();
            int remaining = head.remaining();
            if (remaining <= left) {
                queue.pollFirst();
                left -= remaining;
            } else {
                head.position(head.position() + left);
                left = 0;
            }
        }
    }

    private void readFrom(ClientConnection client) {
        readBuffer.clear();
        int n;
        try {
            n = client.channel.read(readBuffer);
        } catch (IOException e) {
            closeClient(client, "read failed: " + e.getMessage(), Log.DEBUG);
            return;
        }
        if (n < 0) {
            closeClient(client, "client disconnected", Log.DEBUG);
            return;
        }
        if (n == 0) {
            return;
        }
        client.lastReadNanos = System.nanoTime();
        bytesIn.addAndGet(n);
        byte[] data = readBytes;
        readBuffer.flip().get(data, 0, n);
        int end = n;
        int start = 0;
        int maxLine = settings.maxLineBytes();
        for (int i = 0; i < end; i++) {
            if (data[i] != '\n') {
                continue;
            }
            if (client.partialLength() > 0) {
                if (client.partialLength() + (i - start) > maxLine + 1) {
                    dropOversize(client, client.partialLength() + (i - start));
                    return;
                }
                client.appendPartial(data, start, i - start, maxLine + 1);
                deliverLine(client, client.partialBytes(), 0, client.partialLength());
                client.clearPartial();
            } else {
                if (i - start > maxLine + 1) {
                    dropOversize(client, i - start);
                    return;
                }
                deliverLine(client, data, start, i - start);
            }
            start = i + 1;
            if (client.closed) {
                return;
            }
        }
        int rest = end - start;
        if (rest > 0) {
            if (client.partialLength() + rest > maxLine + 1) {
                dropOversize(client, client.partialLength() + rest);
                return;
            }
            client.appendPartial(data, start, rest, maxLine + 1);
        }
    }

    /** Passes one line on, without its trailing {@code \r}; the cap allows one byte more for that {@code \r}. */
    private void deliverLine(ClientConnection client, byte[] data, int offset, int length) {
        if (length > 0 && data[offset + length - 1] == '\r') {
            length--;
        }
        if (length > settings.maxLineBytes()) {
            dropOversize(client, length);
            return;
        }
        if (length == 0) {
            return;
        }
        client.gotLine = true;
        linesIn.incrementAndGet();
        try {
            upstream.line(client.id, data, offset, length);
        } catch (RuntimeException e) {
            Log.err("Upstream failed on a line from %s: %s", client, e);
        }
    }

    private void dropOversize(ClientConnection client, int length) {
        droppedOversize.incrementAndGet();
        oversizeLog.log(System.nanoTime(), "Dropping " + client + ": line of " + length
                + "+ bytes exceeds the cap of " + settings.maxLineBytes());
        closeClient(client, "line longer than " + settings.maxLineBytes() + " bytes", -1);
    }

    private void acceptClients(Listener listener) {
        if (!admitting && listener.handedOver) {
            holdAccepting(listener);
            return;
        }
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel channel;
            try {
                channel = acceptFunction.accept(listener.channel);
            } catch (IOException e) {
                pauseAccepting(listener, e);
                return;
            }
            if (channel == null) {
                return;
            }
            long now = System.nanoTime();
            if (!admitting) {
                refusedNotAdmitting.incrementAndGet();
                closeQuietly(channel);
                notAdmittingLog.log(now, "Refusing new connections: stratifier not connected");
                continue;
            }
            int max = settings.maxClients();
            if (max > 0 && clients.size() >= max) {
                // Accept and close at once: leaving it in the backlog would wake the selector forever.
                refusedFull.incrementAndGet();
                closeQuietly(channel);
                fullLog.log(now, "Server full with " + clients.size() + " clients (maxclients " + max
                        + "), refusing new connections");
                continue;
            }
            register(listener, channel, now);
        }
    }

    private void register(Listener listener, SocketChannel channel, long now) {
        String ip;
        int port;
        ClientConnection client;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            SocketAddress remote = channel.getRemoteAddress();
            if (!(remote instanceof InetSocketAddress inet)) {
                closeQuietly(channel);
                return;
            }
            ip = addressText(inet);
            port = inet.getPort();
            client = new ClientConnection(ids.next(), channel, ip, port, listener.index, now);
            client.key = channel.register(selector, SelectionKey.OP_READ, client);
        } catch (IOException e) {
            Log.debug("Could not set up an accepted connection: %s", e.getMessage());
            closeQuietly(channel);
            return;
        }
        clients.put(client.id, client);
        clientCount.set(clients.size());
        accepted.incrementAndGet();
        Log.debug("Connected %s on server %d", client, listener.index);
        EventLog.global().event(EventLog.CLIENT_CONNECT, "id", client.id, "address", ip, "port", port, "server",
                listener.index);
        try {
            upstream.connected(client.id, ip, port, listener.index);
        } catch (RuntimeException e) {
            Log.err("Upstream failed on connect of %s: %s", client, e);
        }
    }

    private static String addressText(InetSocketAddress address) {
        String text = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = text.indexOf('%');
            if (scope >= 0) {
                text = text.substring(0, scope);
            }
        }
        return text;
    }

    private void pauseAccepting(Listener listener, IOException e) {
        acceptFailures.incrementAndGet();
        long now = System.nanoTime();
        long pause = settings.acceptPause().toNanos();
        acceptFailLog.log(now, "Accept failed on " + listener.address + ": " + e.getMessage() + "; pausing accepts for "
                + settings.acceptPause().toMillis() + " ms, serving the " + clients.size() + " connected clients");
        if (pause > 0 && listener.key.isValid()) {
            listener.key.interestOps(0);
            listener.paused = true;
            listener.resumeNanos = now + pause;
        }
    }

    /**
     * Not admitting: a socket held by the listener keeps its connects queued in the backlog (a connector restart
     * or handover should not refuse anyone). Accepting resumes in the first round after admitting is turned on.
     */
    private void holdAccepting(Listener listener) {
        listener.held = true;
        if (listener.key.isValid()) {
            listener.key.interestOps(0);
        }
    }

    private void resumeHeldListeners() {
        if (!admitting) {
            return;
        }
        for (Listener l : listeners) {
            if (l.held) {
                l.held = false;
                if (l.key.isValid() && !l.paused) {
                    l.key.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        }
    }

    private void resumePausedListeners(long now) {
        resumeHeldListeners();
        for (Listener l : listeners) {
            if (l.paused && now - l.resumeNanos >= 0) {
                l.paused = false;
                if (l.key.isValid()) {
                    l.key.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        }
    }

    private void housekeeping(long now) {
        long stall = settings.stallTimeout().toNanos();
        long idle = settings.idleTimeout().toNanos();
        long firstLine = settings.firstLineTimeout().toNanos();
        List<ClientConnection> stalled = new ArrayList<>();
        List<ClientConnection> idled = new ArrayList<>();
        List<ClientConnection> silent = new ArrayList<>();
        for (ClientConnection c : clients.values()) {
            if (stall > 0 && c.queuedBytes > 0 && now - c.lastWriteProgressNanos > stall) {
                stalled.add(c);
            } else if (idle > 0 && now - c.lastReadNanos > idle) {
                idled.add(c);
            } else if (firstLine > 0 && !c.gotLine && now - c.connectedNanos > firstLine) {
                silent.add(c);
            }
        }
        for (ClientConnection c : stalled) {
            droppedSlow.incrementAndGet();
            abortClient(c, "not reading: " + c.queuedBytes + " bytes pending, none taken for "
                    + describe(settings.stallTimeout()));
        }
        for (ClientConnection c : idled) {
            droppedIdle.incrementAndGet();
            closeClient(c, "idle for " + describe(settings.idleTimeout()), Log.INFO);
        }
        for (ClientConnection c : silent) {
            droppedIdle.incrementAndGet();
            closeClient(c, "no complete line within " + describe(settings.firstLineTimeout())
                    + " of connecting", Log.INFO);
        }
    }

    /**
     * Drops a client that does not read with a reset instead of a FIN, so the kernel frees its send buffer at
     * once rather than keep retrying to deliver data nobody reads.
     */
    private void abortClient(ClientConnection client, String reason) {
        try {
            client.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            Log.debug("Could not set SO_LINGER on %s: %s", client, e.getMessage());
        }
        closeClient(client, reason, Log.INFO);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Closes the connection and tells the upstream, once. A negative level means the caller already logged. */
    private void closeClient(ClientConnection client, String reason, int level) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        if (client.key != null) {
            client.key.cancel();
        }
        closeQuietly(client.channel);
        clients.remove(client.id);
        clientCount.set(clients.size());
        client.queuedBytes = 0;
        if (level >= 0) {
            Log.log(level, "Dropped %s: %s", client, reason);
        }
        EventLog.global().event(EventLog.CLIENT_DISCONNECT, "id", client.id, "address", client.ip, "reason", reason);
        try {
            upstream.disconnected(client.id, reason);
        } catch (RuntimeException e) {
            Log.err("Upstream failed on disconnect of %s: %s", client, e);
        }
    }

    private void shutdown() {
        running = false;
        for (ClientConnection c : new ArrayList<>(clients.values())) {
            closeClient(c, "connector shutting down", -1);
        }
        for (Listener l : listeners) {
            closeQuietly(l.channel);
        }
        closeQuietly(selector);
        for (Command c; (c = commands.poll()) != null; ) {
            c.complete(c.kind == Command.DROP_ALL ? (Object) 0 : (Object) Boolean.FALSE);
        }
        pendingCommands.set(0);
        Log.notice("Connector stopped");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing during teardown or after a failure: nothing useful to do with the error
        }
    }

    private static final class Listener {
        final ServerSocketChannel channel;
        final ListenAddress address;
        final int index;
        SelectionKey key;
        boolean paused;
        long resumeNanos;
        /** Bound by the listener process and handed to us: held (not accepted on) while not admitting. */
        boolean handedOver;
        boolean held;

        Listener(ServerSocketChannel channel, ListenAddress address, int index) {
            this.channel = channel;
            this.address = address;
            this.index = index;
        }
    }

    /** A request for the I/O thread; {@code done} is completed by the kinds that report back. */
    private record Command(int kind, long id, ByteBuffer data, String reason, CompletableFuture<?> done,
                           Runnable task) {
        static final int SEND = 1;
        static final int SEND_ALL = 2;
        static final int DROP = 3;
        static final int DROP_ADMIN = 4;
        static final int DROP_ALL = 5;
        static final int SUBSCRIBE = 6;
        static final int RUN = 7;

        @SuppressWarnings("unchecked")
        void complete(Object value) {
            if (done != null) {
                ((CompletableFuture<Object>) done).complete(value);
            }
        }
    }
}
