package org.jckpool.connector.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.jckpool.connector.net.ClientAcceptor.ListeningPort;
import org.jckpool.connector.net.CommandQueue.Command;
import org.jckpool.libpool.ipc.PolledChannel;
import org.jckpool.libpool.log.Log;

/**
 * The connector's networking core: NIO servers on every serverurl entry and the miners' connections, all served
 * by one I/O thread (no thread per client). Lines from clients go to an {@link ClientEventSink}; lines for clients come
 * in through {@link Downstream}, from any thread. The parts: {@link ClientAcceptor} (listening sockets),
 * {@link LineReader} (client input), {@link ClientOutput} (client output), {@link CommandQueue} (requests from
 * other threads), {@link Housekeeping} (timeouts) and {@link ClientTable} (the clients).
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
    private final ConnectorSettings settings;
    private final Selector selector;
    private final ConnectorCounters counters = new ConnectorCounters();
    private final ClientTable clients;
    private final ClientAcceptor acceptor;
    private final LineReader reader;
    private final ClientOutput output;
    private final Housekeeping housekeeping;
    private final CommandQueue commands;
    private final ConcurrentLinkedQueue<PolledChannel> channelsToPoll = new ConcurrentLinkedQueue<>();
    private final ClientEventSink upstream;
    private final Thread ioThread;
    private volatile boolean running = true;
    private long nextHousekeepingNanos;
    private boolean commandsLeft;

    private ConnectorServer(ConnectorSettings settings, ClientEventSink upstream, AcceptFunction acceptFunction,
                            List<ServerSocketChannel> handedOver) throws IOException {
        this.settings = settings;
        this.upstream = upstream;
        this.selector = Selector.open();
        this.clients = new ClientTable(upstream);
        this.acceptor = new ClientAcceptor(settings, upstream, acceptFunction, selector, clients, counters);
        try {
            acceptor.open(handedOver);
        } catch (IOException | RuntimeException e) {
            ClientTable.closeQuietly(selector);
            throw e;
        }
        this.reader = new LineReader(settings, upstream, clients, counters);
        this.output = new ClientOutput(settings, clients, counters, upstream::drained);
        this.housekeeping = new Housekeeping(settings, clients, counters);
        this.commands = new CommandQueue(selector);
        this.ioThread = new Thread(this::runLoop, "connector-io");
        this.ioThread.setDaemon(true);
        commands.ioThread(ioThread);
    }

    /**
     * Binds every serverurl entry and starts the I/O thread; with {@code admitting} false, new connections are
     * refused until {@link #setAdmitting} turns it on (the ports are bound at once so a bad serverurl fails the
     * start). {@code handedOver}: listening sockets bound by another process (the listener's, one per serverurl
     * entry in order; entries beyond the list are bound here). While not admitting, nothing is accepted on those:
     * connects wait in the kernel's backlog until the connector can serve them, instead of being accepted and
     * closed.
     */
    public static ConnectorServer start(ConnectorSettings settings, ClientEventSink upstream, boolean admitting,
                                        List<ServerSocketChannel> handedOver) throws IOException {
        return start(settings, upstream, admitting, handedOver, AcceptFunction.DEFAULT);
    }

    /** As above, accepting through {@code acceptFunction} (tests simulate failing accepts with it). */
    static ConnectorServer start(ConnectorSettings settings, ClientEventSink upstream, boolean admitting,
                                 List<ServerSocketChannel> handedOver, AcceptFunction acceptFunction)
            throws IOException {
        ConnectorServer server = new ConnectorServer(settings, upstream, acceptFunction, handedOver);
        server.acceptor.setAdmitting(admitting);
        server.ioThread.start();
        return server;
    }

    /** The bound addresses, in serverurl order (useful with port 0). */
    public List<InetSocketAddress> boundAddresses() {
        return acceptor.boundAddresses();
    }

    /** False once {@link #close()} was called or the I/O loop failed (logged); the process should then exit. */
    public boolean isRunning() {
        return running && ioThread.isAlive();
    }

    public int clientCount() {
        return clients.count();
    }

    public ConnectorStats stats() {
        return counters.snapshot(clients.count());
    }

    /**
     * Whether new connections are served. When false, each new connection is accepted and closed at once (counted
     * in {@link ConnectorStats#refusedNotAdmitting()}); connected clients are not affected.
     */
    public void setAdmitting(boolean admit) {
        acceptor.setAdmitting(admit);
        if (admit) {
            selector.wakeup(); // handed-over listeners held while not admitting resume accepting
        }
    }

    public boolean isAdmitting() {
        return acceptor.isAdmitting();
    }

    /**
     * ckpool's {@code reject} (true) and {@code accept} (false): while held no new connection is accepted on any
     * port (connects wait in the listen backlog); connected clients are served as before.
     */
    public void holdNewConnections(boolean hold) {
        acceptor.setOperatorHold(hold);
        if (!hold) {
            selector.wakeup(); // held ports resume accepting in the next round
        }
    }

    public boolean isHoldingNewConnections() {
        return acceptor.isOperatorHold();
    }

    /**
     * Has the I/O thread read {@code channel} (the stratifier's stream) in its selector: its frames are handled
     * on the I/O thread as they arrive, and what they ask of this server (send, drop...) is done in the same
     * round, with no hand-over between threads. The registration ends when the channel closes.
     */
    public void pollStream(PolledChannel channel) {
        channelsToPoll.add(channel);
        selector.wakeup();
    }

    /**
     * Runs {@code task} on the I/O thread, in order with the other requests (the stratifier link replays its
     * backlog there, so that nothing the I/O thread relays can overtake it). False when not running.
     */
    public boolean runOnIoThread(Runnable task) {
        return commands.submit(new Command(Command.RUN, 0, null, null, null, task));
    }

    /**
     * Closes every connected client (each reported to the upstream as disconnected with {@code reason}). The
     * future completes with the number dropped once the I/O thread has done it, or with 0 when not running.
     */
    public CompletableFuture<Integer> dropAll(String reason) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (!commands.submit(new Command(Command.DROP_ALL, 0, null, reason, done, null))) {
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
        if (!commands.submit(new Command(Command.DROP_ADMIN, id, null, reason, done, null))) {
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
            output.send(id, data, System.nanoTime());
        } else {
            commands.submit(new Command(Command.SEND, id, data, null, null, null));
        }
    }

    @Override
    public void sendAll(byte[] line, int offset, int length) {
        commands.submit(new Command(Command.SEND_ALL, 0, encodeLine(line, offset, length), null, null, null));
    }

    @Override
    public void drop(long id, String reason) {
        commands.submit(new Command(Command.DROP, id, null, reason, null, null));
    }

    @Override
    public void subscribe(long id) {
        commands.submit(new Command(Command.SUBSCRIBE, id, null, null, null, null));
    }

    @Override
    public void whenDrained(long id) {
        // after the lines sent before it, which a polled stream's frames may have queued directly (see send)
        if (Thread.currentThread() == ioThread && running && commands.isEmpty()) {
            output.whenDrained(id);
        } else {
            commands.submit(new Command(Command.DRAIN, id, null, null, null, null));
        }
    }

    private static ByteBuffer encodeLine(byte[] line, int offset, int length) {
        boolean hasNewline = length > 0 && line[offset + length - 1] == '\n';
        byte[] out = new byte[hasNewline ? length : length + 1];
        System.arraycopy(line, offset, out, 0, length);
        out[out.length - 1] = '\n';
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
    }

    /** Stops serving: closes every listener and client (each reported to the upstream as disconnected). */
    @Override
    public void close() {
        running = false;
        commands.stop();
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
                    long wake = acceptor.nextWakeNanos(nextHousekeepingNanos);
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now)));
                }
                commands.woken();
                registerPolledChannels();
                commandsLeft = !commands.runRound(this::execute);
                output.flushPending(System.nanoTime());
                handleSelected();
                if (!commands.isEmpty()) { // asked for by a polled stream's frames during this round
                    commandsLeft = !commands.runRound(this::execute);
                }
                output.flushPending(System.nanoTime()); // replies a polled stream's frames queued during this round
                now = System.nanoTime();
                if (now - nextHousekeepingNanos >= 0) {
                    housekeeping.sweep(now);
                    nextHousekeepingNanos = now + settings.housekeepingInterval().toNanos();
                }
                acceptor.resume(now);
                upstream.roundDone();
                commandsLeft |= !commands.isEmpty();
            }
        } catch (IOException | RuntimeException e) {
            Log.crit("Connector I/O loop failed: %s", e);
        } finally {
            shutdown();
        }
    }

    private void registerPolledChannels() {
        PolledChannel channel;
        while ((channel = channelsToPoll.poll()) != null) {
            try {
                channel.registerReads(selector, channel);
            } catch (ClosedChannelException e) {
                // closed before it got here: its owner has been told
            }
        }
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
                    clients.close(client, "internal error: " + e, -1);
                }
            }
        }
    }

    private void handleKey(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof PolledChannel channel) {
            if (key.isValid() && key.isReadable() && !channel.readAvailable()) {
                key.cancel();
            }
            return;
        }
        if (attachment instanceof ListeningPort port) {
            if (key.isValid() && key.isAcceptable()) {
                acceptor.accept(port);
            }
            return;
        }
        ClientConnection client = (ClientConnection) attachment;
        if (client.closed || !key.isValid()) {
            return;
        }
        if (key.isReadable()) {
            reader.readFrom(client);
        }
        if (!client.closed && key.isValid() && key.isWritable()) {
            String failure = output.flush(client, System.nanoTime());
            if (failure != null) {
                clients.close(client, failure, Log.DEBUG);
            }
        }
    }

    private void execute(Command command) {
        long now = System.nanoTime();
        switch (command.kind()) {
            case Command.SEND -> output.send(command.id(), command.data(), now);
            case Command.SEND_ALL -> output.broadcast(command.data(), now);
            case Command.DROP -> {
                ClientConnection client = clients.get(command.id());
                if (client == null) {
                    Log.debug("Drop for unknown client %d ignored", command.id());
                    return;
                }
                counters.droppedByStratifier.incrementAndGet();
                output.flushAndClose(client, "dropped by stratifier: " + command.reason(), now);
            }
            case Command.DROP_ADMIN -> {
                ClientConnection client = clients.get(command.id());
                if (client != null) {
                    counters.droppedByAdmin.incrementAndGet();
                    output.flushAndClose(client, command.reason(), now);
                }
                command.complete(client != null);
            }
            case Command.DROP_ALL -> {
                List<ClientConnection> all = clients.snapshot();
                counters.droppedAll.addAndGet(all.size()); // counted first: a miner seeing its close finds it counted
                for (ClientConnection client : all) {
                    clients.close(client, command.reason(), Log.DEBUG);
                }
                command.complete(all.size());
            }
            case Command.SUBSCRIBE -> {
                ClientConnection client = clients.get(command.id());
                if (client == null) {
                    Log.debug("Subscribe for unknown client %d ignored", command.id());
                    return;
                }
                client.subscribed = true;
            }
            case Command.RUN -> command.task().run();
            case Command.DRAIN -> output.whenDrained(command.id());
            default -> throw new IllegalStateException("unknown command " + command.kind());
        }
    }

    private void shutdown() {
        running = false;
        for (ClientConnection c : clients.snapshot()) {
            clients.close(c, "connector shutting down", -1);
        }
        acceptor.closeAll();
        ClientTable.closeQuietly(selector);
        commands.close();
        Log.notice("Connector stopped");
    }
}
