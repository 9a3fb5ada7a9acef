package org.jckpool.connector.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * The listening sockets (bound here or handed over by the listener process) and accepting on them: refusals
 * while full or not admitting, pauses after a failed accept (no file descriptors left), holding a handed-over
 * socket's backlog while not admitting. Accepts run on the I/O thread; {@link #setAdmitting} on any.
 */
final class ClientAcceptor {
    private static final int ACCEPTS_PER_WAKEUP = 256;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ConnectorSettings settings;
    private final ClientEventSink upstream;
    private final AcceptFunction acceptFunction;
    private final Selector selector;
    private final ClientTable clients;
    private final ConnectorCounters counters;
    private final List<ListeningPort> ports = new ArrayList<>();
    private final RateLimitedLog fullLog = new RateLimitedLog(Log.WARNING, LOG_INTERVAL_NANOS);
    private final RateLimitedLog acceptFailLog = new RateLimitedLog(Log.ERR, LOG_INTERVAL_NANOS);
    private final RateLimitedLog notAdmittingLog = new RateLimitedLog(Log.NOTICE, TimeUnit.SECONDS.toNanos(10));
    private volatile boolean admitting = true;
    /** ckpool's {@code reject}: new connects wait in every port's backlog until {@code accept}. */
    private volatile boolean operatorHold;

    ClientAcceptor(ConnectorSettings settings, ClientEventSink upstream, AcceptFunction acceptFunction, Selector selector,
                   ClientTable clients, ConnectorCounters counters) {
        this.settings = settings;
        this.upstream = upstream;
        this.acceptFunction = acceptFunction;
        this.selector = selector;
        this.clients = clients;
        this.counters = counters;
    }

    /**
     * One port per serverurl entry, in order: the handed-over socket at that position, else one bound here. On a
     * failure every port opened so far is closed and the error names the address.
     */
    void open(List<ServerSocketChannel> handedOver) throws IOException {
        try {
            for (int i = 0; i < settings.listen().size(); i++) {
                ports.add(i < handedOver.size() ? adopt(handedOver.get(i), settings.listen().get(i), i)
                        : bind(settings.listen().get(i), i));
            }
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    private ListeningPort bind(ListenAddress address, int index) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address.toSocketAddress(), 1024);
            channel.configureBlocking(false);
            ListeningPort port = new ListeningPort(channel, address, index, false);
            port.key = channel.register(selector, SelectionKey.OP_ACCEPT, port);
            Log.notice("Connector listening on %s (serverurl %s, server %d)", channel.getLocalAddress(), address,
                    index);
            return port;
        } catch (IOException e) {
            ClientTable.closeQuietly(channel);
            throw new IOException("cannot listen on serverurl " + address + ": " + e.getMessage(), e);
        }
    }

    private ListeningPort adopt(ServerSocketChannel channel, ListenAddress address, int index) throws IOException {
        try {
            channel.configureBlocking(false);
            ListeningPort port = new ListeningPort(channel, address, index, true);
            port.key = channel.register(selector, SelectionKey.OP_ACCEPT, port);
            Log.notice("Connector accepting on %s, held by the listener (serverurl %s, server %d)",
                    channel.getLocalAddress(), address, index);
            return port;
        } catch (IOException e) {
            ClientTable.closeQuietly(channel);
            throw new IOException("cannot accept on the handed-over socket of " + address + ": " + e.getMessage(), e);
        }
    }

    List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ListeningPort p : ports) {
            try {
                out.add((InetSocketAddress) p.channel.getLocalAddress());
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }

    void setAdmitting(boolean admit) {
        admitting = admit;
    }

    boolean isAdmitting() {
        return admitting;
    }

    void setOperatorHold(boolean hold) {
        operatorHold = hold;
    }

    boolean isOperatorHold() {
        return operatorHold;
    }

    void accept(ListeningPort port) {
        if (operatorHold || (!admitting && port.handedOver)) {
            hold(port);
            return;
        }
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel channel;
            try {
                channel = acceptFunction.accept(port.channel);
            } catch (IOException e) {
                pause(port, e);
                return;
            }
            if (channel == null) {
                return;
            }
            long now = System.nanoTime();
            if (!admitting) {
                counters.refusedNotAdmitting.incrementAndGet();
                ClientTable.closeQuietly(channel);
                notAdmittingLog.log(now, "Refusing new connections: stratifier not connected");
                continue;
            }
            int max = settings.maxClients();
            if (max > 0 && clients.size() >= max) {
                // Accept and close at once: leaving it in the backlog would wake the selector forever.
                counters.refusedFull.incrementAndGet();
                ClientTable.closeQuietly(channel);
                fullLog.log(now, "Server full with " + clients.size() + " clients (maxclients " + max
                        + "), refusing new connections");
                continue;
            }
            register(port, channel, now);
        }
    }

    private void register(ListeningPort port, SocketChannel channel, long now) {
        String ip;
        int remotePort;
        ClientConnection client;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            SocketAddress remote = channel.getRemoteAddress();
            if (!(remote instanceof InetSocketAddress inet)) {
                ClientTable.closeQuietly(channel);
                return;
            }
            ip = addressText(inet);
            remotePort = inet.getPort();
            client = new ClientConnection(clients.nextId(), channel, ip, remotePort, port.index, now);
            client.key = channel.register(selector, SelectionKey.OP_READ, client);
        } catch (IOException e) {
            Log.debug("Could not set up an accepted connection: %s", e.getMessage());
            ClientTable.closeQuietly(channel);
            return;
        }
        clients.add(client);
        counters.accepted.incrementAndGet();
        Log.debug("Connected %s on server %d", client, port.index);
        EventLog.global().event(EventLog.CLIENT_CONNECT, "id", client.id, "address", ip, "port", remotePort,
                "server", port.index);
        try {
            upstream.connected(client.id, ip, remotePort, port.index);
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

    private void pause(ListeningPort port, IOException e) {
        counters.acceptFailures.incrementAndGet();
        long now = System.nanoTime();
        long pause = settings.acceptPause().toNanos();
        acceptFailLog.log(now, "Accept failed on " + port.address + ": " + e.getMessage() + "; pausing accepts for "
                + settings.acceptPause().toMillis() + " ms, serving the " + clients.size() + " connected clients");
        if (pause > 0 && port.key.isValid()) {
            port.key.interestOps(0);
            port.paused = true;
            port.resumeNanos = now + pause;
        }
    }

    /**
     * Not admitting: a socket held by the listener keeps its connects queued in the backlog (a connector restart
     * or handover should not refuse anyone); the operator's hold does so on every port. Accepting resumes in the
     * first round after admitting is on and the operator's hold is off.
     */
    private void hold(ListeningPort port) {
        port.held = true;
        if (port.key.isValid()) {
            port.key.interestOps(0);
        }
    }

    /** Resumes held ports once admitting (and not held by the operator) and paused ports whose pause is over. */
    void resume(long now) {
        if (admitting && !operatorHold) {
            for (ListeningPort p : ports) {
                if (p.held) {
                    p.held = false;
                    if (p.key.isValid() && !p.paused) {
                        p.key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                }
            }
        }
        for (ListeningPort p : ports) {
            if (p.paused && now - p.resumeNanos >= 0) {
                p.paused = false;
                if (p.key.isValid()) {
                    p.key.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        }
    }

    /** The earlier of {@code wake} and the end of the first pause. */
    long nextWakeNanos(long wake) {
        for (ListeningPort p : ports) {
            if (p.paused && p.resumeNanos - wake < 0) {
                wake = p.resumeNanos;
            }
        }
        return wake;
    }

    void closeAll() {
        for (ListeningPort p : ports) {
            ClientTable.closeQuietly(p.channel);
        }
    }

    /** One listening socket, the attachment of its selection key. */
    static final class ListeningPort {
        final ServerSocketChannel channel;
        final ListenAddress address;
        final int index;
        /** Bound by the listener process and handed to us: held (not accepted on) while not admitting. */
        final boolean handedOver;
        SelectionKey key;
        boolean paused;
        long resumeNanos;
        boolean held;

        ListeningPort(ServerSocketChannel channel, ListenAddress address, int index, boolean handedOver) {
            this.channel = channel;
            this.address = address;
            this.index = index;
            this.handedOver = handedOver;
        }
    }
}
