package org.jckpool.connector.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;

/**
 * The connected clients by id, and the one way a client leaves: {@link #close}, which tells the upstream once.
 * I/O thread only, except {@link #count}.
 */
final class ClientTable {
    private final Map<Long, ClientConnection> clients = new HashMap<>();
    private final ClientIds ids = new ClientIds();
    private final AtomicInteger count = new AtomicInteger();
    private final ClientEventSink upstream;

    ClientTable(ClientEventSink upstream) {
        this.upstream = upstream;
    }

    long nextId() {
        return ids.next();
    }

    ClientConnection get(long id) {
        return clients.get(id);
    }

    int size() {
        return clients.size();
    }

    /** Clients connected now; any thread. */
    int count() {
        return count.get();
    }

    Collection<ClientConnection> all() {
        return clients.values();
    }

    /** A copy, for loops that close clients. */
    List<ClientConnection> snapshot() {
        return new ArrayList<>(clients.values());
    }

    void add(ClientConnection client) {
        clients.put(client.id, client);
        count.set(clients.size());
    }

    /** Closes the connection and tells the upstream, once. A negative level means the caller already logged. */
    void close(ClientConnection client, String reason, int level) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        if (client.key != null) {
            client.key.cancel();
        }
        closeQuietly(client.channel);
        clients.remove(client.id);
        count.set(clients.size());
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

    /**
     * Drops a client that does not read with a reset instead of a FIN, so the kernel frees its send buffer at
     * once rather than keep retrying to deliver data nobody reads.
     */
    void abort(ClientConnection client, String reason) {
        try {
            client.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            Log.debug("Could not set SO_LINGER on %s: %s", client, e.getMessage());
        }
        close(client, reason, Log.INFO);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing during teardown or after a failure: nothing useful to do with the error
        }
    }
}
