package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.ReconnectPolicy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Keeps one passthrough connection up (one of the relay's {@link UpstreamSlots}): tries the upstreams in priority order (the config's {@code proxy}
 * entries, as ckpool's passthrough reads them) with back-off between rounds, tells the relay when a connection is
 * up and when it is lost, and ends a connection that has sent nothing for {@code silenceMillis} while a line we
 * sent waits (without miners a pool may rightly be silent for any time).
 */
final class UpstreamKeeper {
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final long CHECK_MS = 500;

    interface Events extends UpstreamConnection.Listener {
        void up(UpstreamConnection c, int index);

        /** A round over every upstream found none that answered (the keeper tries again after a back-off). */
        default void roundFailed(String lastError) {
        }
    }

    private final List<HostPort> upstreams;
    private final long silenceMillis;
    private final Events events;
    private final ReconnectPolicy backoff = new ReconnectPolicy(100, 2_000);
    private final Object lock = new Object();
    private volatile UpstreamConnection current;
    private volatile int currentIndex = -1;
    private volatile Instant connectedSince;
    private volatile String lastError;
    private volatile long connects;
    private volatile long losses;
    private volatile boolean running = true;
    private Thread thread;

    private final String handshake;
    private final int slot;

    UpstreamKeeper(List<HostPort> upstreams, long silenceMillis, Events events) {
        this(upstreams, silenceMillis, events, PassthroughLines.PASSTHROUGH_REQUEST, 0);
    }

    /**
     * @param handshake the first line on each connection ({@code mining.passthrough}, or {@code mining.node})
     * @param slot      which of the relay's upstream connections this keeper keeps (for names and logs)
     */
    UpstreamKeeper(List<HostPort> upstreams, long silenceMillis, Events events, String handshake, int slot) {
        this.handshake = handshake;
        this.slot = slot;
        this.upstreams = List.copyOf(upstreams);
        this.silenceMillis = silenceMillis;
        this.events = events;
    }

    void start() {
        thread = new Thread(this::run, "passthrough-keeper-" + slot);
        thread.setDaemon(true);
        thread.start();
    }

    /** The live connection, or null. */
    UpstreamConnection current() {
        return current;
    }

    private void run() {
        while (running) {
            UpstreamConnection c = current;
            if (c == null) {
                if (!connectRound()) {
                    if (running) {
                        events.roundFailed(lastError);
                    }
                    pause(backoff.nextDelayMillis());
                }
            } else {
                long waiting = c.waitingSinceMillis();
                if (waiting != 0 && System.currentTimeMillis() - waiting > silenceMillis) {
                    c.close("nothing from the upstream for " + silenceMillis / 1000 + " s after a miner's line");
                }
                synchronized (lock) {
                    if (current == c && c.isOpen()) {
                        waitQuietly(CHECK_MS);
                    }
                }
            }
        }
    }

    /** One try of every upstream in priority order; true when one answered. */
    private boolean connectRound() {
        for (int i = 0; i < upstreams.size() && running; i++) {
            HostPort hp = upstreams.get(i);
            try {
                UpstreamConnection c = UpstreamConnection.open(hp, HANDSHAKE_TIMEOUT_MS, handshake, new Forward());
                synchronized (lock) {
                    if (!c.isOpen()) { // closed before it was current: its close was not reported
                        lastError = "closed right after the handshake";
                        return false;
                    }
                    current = c;
                    currentIndex = i;
                    connectedSince = Instant.now();
                    connects++;
                }
                backoff.reset();
                Log.notice("Passthrough connection %d: upstream %d %s connected", slot, i, hp);
                events.up(c, i);
                return true;
            } catch (IOException e) {
                if (!e.getMessage().equals(lastError)) {
                    Log.warning("Passthrough connection %d: upstream %d %s: %s", slot, i, hp, e.getMessage());
                }
                lastError = e.getMessage();
            }
        }
        return false;
    }

    /** Relays the connection's events, clearing {@link #current} before the relay hears of a loss. */
    private final class Forward implements UpstreamConnection.Listener {
        @Override
        public void line(UpstreamConnection c, String line) {
            events.line(c, line);
        }

        @Override
        public void closed(UpstreamConnection c, String reason) {
            synchronized (lock) {
                if (current != c) {
                    return;
                }
                current = null;
                connectedSince = null;
                losses++;
                lastError = reason;
                lock.notifyAll();
            }
            Log.warning("Passthrough connection %d: upstream %s lost: %s", slot, c.address(), reason);
            events.closed(c, reason);
        }
    }

    private void pause(long millis) {
        synchronized (lock) {
            waitQuietly(millis);
        }
    }

    private void waitQuietly(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running = false;
        UpstreamConnection c = current;
        if (c != null) {
            c.close("shutting down");
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    int slot() {
        return slot;
    }

    long connects() {
        return connects;
    }

    long losses() {
        return losses;
    }

    /** The link's state for {@code stats}. */
    ObjectNode status() {
        ObjectNode o = Json.object();
        o.put("id", slot);
        UpstreamConnection c = current;
        o.put("connected", c != null && c.isOpen());
        if (c != null) {
            o.put("index", currentIndex);
            o.put("url", c.address().toString());
            Instant since = connectedSince;
            if (since != null) {
                o.put("connected_since", since.getEpochSecond());
            }
        }
        o.put("connects", connects);
        o.put("losses", losses);
        if (lastError != null) {
            o.put("last_error", lastError);
        }
        var urls = o.putArray("upstreams");
        upstreams.forEach(u -> urls.add(u.toString()));
        return o;
    }
}
