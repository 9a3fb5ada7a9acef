package org.jckpool.stratifier.link;

import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.ClientOutbound;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Paces bulk lines to one connection (a mining node's transactions and workinfos): at most {@link #BUDGET_BYTES}
 * are handed to the connector, then the rest waits here until the connector reports that connection's output
 * written ({@link ClientOutbound#whenDrained}, answered by {@link #drained}). A slow link thus never fills the
 * connector's per-client queue (1 MiB, over which the connector drops the client), however large the burst. The
 * lines of one connection keep their order; other traffic to it (its miners' replies and work) is not held.
 * A report that never comes (the connector died between request and answer) holds a lane for at most
 * {@link #DRAIN_WAIT_MS}: the next bulk line after that goes on as if the output had been written.
 */
final class LinkPacer {
    /** Bulk bytes handed to the connector per drain: well under its 1 MiB per-client cap, room left for the rest. */
    static final int BUDGET_BYTES = 256 * 1024;
    /** How long a lane waits for a drain report before taking it as lost. */
    static final long DRAIN_WAIT_MS = 10_000;

    private static final class Lane {
        final ArrayDeque<String> waiting = new ArrayDeque<>();
        long waitingBytes;
        long sinceDrain;
        boolean awaitingDrain;
        long awaitingSince;
    }

    private final ClientOutbound connector;
    private final LongSupplier clock;
    private final ConcurrentMap<Long, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong pauses = new AtomicLong();

    LinkPacer(ClientOutbound connector) {
        this(connector, System::currentTimeMillis);
    }

    LinkPacer(ClientOutbound connector, LongSupplier clock) {
        this.connector = connector;
        this.clock = clock;
    }

    /** One bulk line to the connection: sent now, or after the lines before it once the budget allows. */
    void send(long clientId, String line) {
        Lane lane = lanes.computeIfAbsent(clientId, id -> new Lane());
        synchronized (lane) {
            if (lane.awaitingDrain) {
                lane.waiting.addLast(line);
                lane.waitingBytes += line.length();
                if (clock.getAsLong() - lane.awaitingSince >= DRAIN_WAIT_MS) {
                    Log.warning("Link %d: no drain report from the connector in %d ms, sending on", clientId,
                            DRAIN_WAIT_MS);
                    release(clientId, lane);
                }
            } else {
                write(clientId, lane, line);
            }
        }
    }

    /** The connector wrote everything queued for the connection: the next budget's worth goes. */
    void drained(long clientId) {
        Lane lane = lanes.get(clientId);
        if (lane == null) {
            return;
        }
        synchronized (lane) {
            release(clientId, lane);
        }
    }

    /** The lane's waiting lines go, up to the next budget. Holding the lane's lock. */
    private void release(long clientId, Lane lane) {
        lane.awaitingDrain = false;
        while (!lane.awaitingDrain && !lane.waiting.isEmpty()) {
            String line = lane.waiting.pollFirst();
            lane.waitingBytes -= line.length();
            write(clientId, lane, line);
        }
    }

    /** The connection is gone: what waits for it is dropped. */
    void forget(long clientId) {
        lanes.remove(clientId);
    }

    /** Bulk bytes waiting for the connection's next drain. */
    long waitingBytes(long clientId) {
        Lane lane = lanes.get(clientId);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.waitingBytes;
        }
    }

    /** Times a connection's bulk lines waited for a drain, since the start. */
    long pauses() {
        return pauses.get();
    }

    private void write(long clientId, Lane lane, String line) {
        connector.send(clientId, line);
        lane.sinceDrain += line.length() + 1;
        if (lane.sinceDrain >= BUDGET_BYTES) {
            lane.sinceDrain = 0;
            // without a report to wait for (no connector stream), nothing would ever resume: send on unpaced
            if (connector.whenDrained(clientId)) {
                lane.awaitingDrain = true;
                lane.awaitingSince = clock.getAsLong();
                pauses.incrementAndGet();
            }
        }
    }
}
