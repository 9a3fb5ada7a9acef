package org.jckpool.connector.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.libpool.log.Log;

/**
 * The I/O thread's periodic sweep: drops clients that stopped reading their output (stall timeout), sent nothing
 * for too long (idle timeout) or never sent a complete line after connecting (first-line timeout).
 */
final class Housekeeping {
    private final ConnectorSettings settings;
    private final ClientTable clients;
    private final ConnectorCounters counters;

    Housekeeping(ConnectorSettings settings, ClientTable clients, ConnectorCounters counters) {
        this.settings = settings;
        this.clients = clients;
        this.counters = counters;
    }

    void sweep(long now) {
        long stall = settings.stallTimeout().toNanos();
        long idle = settings.idleTimeout().toNanos();
        long firstLine = settings.firstLineTimeout().toNanos();
        List<ClientConnection> stalled = new ArrayList<>();
        List<ClientConnection> idled = new ArrayList<>();
        List<ClientConnection> silent = new ArrayList<>();
        for (ClientConnection c : clients.all()) {
            if (stall > 0 && c.queuedBytes > 0 && now - c.lastWriteProgressNanos > stall) {
                stalled.add(c);
            } else if (idle > 0 && now - c.lastReadNanos > idle) {
                idled.add(c);
            } else if (firstLine > 0 && !c.gotLine && now - c.connectedNanos > firstLine) {
                silent.add(c);
            }
        }
        for (ClientConnection c : stalled) {
            counters.droppedSlow.incrementAndGet();
            clients.abort(c, "not reading: " + c.queuedBytes + " bytes pending, none taken for "
                    + describe(settings.stallTimeout()));
        }
        for (ClientConnection c : idled) {
            counters.droppedIdle.incrementAndGet();
            clients.close(c, "idle for " + describe(settings.idleTimeout()), Log.INFO);
        }
        for (ClientConnection c : silent) {
            counters.droppedIdle.incrementAndGet();
            clients.close(c, "no complete line within " + describe(settings.firstLineTimeout())
                    + " of connecting", Log.INFO);
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
