package org.jckpool.connector.net;

import java.time.Duration;
import java.util.List;

/**
 * Limits and timeouts of the connector's networking core. Durations of zero switch that rule off.
 *
 * @param listen              the serverurl entries, in order (a client's server index is its position here)
 * @param maxClients          connections beyond this many are accepted and closed at once (0 = no limit)
 * @param maxLineBytes        longest line a client may send, without its newline; a longer one drops the
 *                            client. ckpool's own cap is 1,024 bytes; our default, 16 KiB, leaves room for large
 *                            mining.configure or worker names while still bounding memory per client.
 * @param maxQueuedBytes      most bytes waiting to be written to one client; more drops the client
 * @param stallTimeout        a client with data pending that accepts no byte for this long is dropped
 * @param idleTimeout         a client that sends no byte for this long is dropped; fed from ckpool's
 *                            {@code dropidle} key (seconds, default 0 = off)
 * @param firstLineTimeout    a client that sends no complete line this long after connecting is dropped
 *                            (ckpool reaps such silent sockets after 60 s; the stratifier cannot see them)
 * @param acceptPause         how long accepting stops after accept fails (e.g. out of file descriptors)
 * @param housekeepingInterval how often the timeouts above are checked
 */
public record ConnectorSettings(List<ListenAddress> listen, int maxClients, int maxLineBytes, int maxQueuedBytes,
                                Duration stallTimeout, Duration idleTimeout, Duration firstLineTimeout,
                                Duration acceptPause, Duration housekeepingInterval) {

    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

    public ConnectorSettings {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("no serverurl to listen on");
        }
        if (maxClients < 0) {
            throw new IllegalArgumentException("maxclients must be 0 (no limit) or positive, got " + maxClients);
        }
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("maximum line length must be at least 64 bytes, got " + maxLineBytes);
        }
        if (maxQueuedBytes < maxLineBytes) {
            throw new IllegalArgumentException("client output queue cap " + maxQueuedBytes
                    + " is smaller than the line cap " + maxLineBytes);
        }
        requireNonNegative("stall timeout", stallTimeout);
        requireNonNegative("idle timeout", idleTimeout);
        requireNonNegative("first line timeout", firstLineTimeout);
        requireNonNegative("accept pause", acceptPause);
        if (housekeepingInterval.isZero() || housekeepingInterval.isNegative()) {
            throw new IllegalArgumentException("housekeeping interval must be positive");
        }
    }

    private static void requireNonNegative(String what, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
    }

    /** Defaults: no client limit, 16 KiB lines, 1 MiB queues, 60 s stall, idle off, 60 s first line, 1 s pause. */
    public static ConnectorSettings defaults(List<ListenAddress> listen) {
        return new ConnectorSettings(listen, 0, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_QUEUED_BYTES,
                Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    public ConnectorSettings withMaxClients(int v) {
        return new ConnectorSettings(listen, v, maxLineBytes, maxQueuedBytes, stallTimeout, idleTimeout,
                firstLineTimeout, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withMaxLineBytes(int v) {
        return new ConnectorSettings(listen, maxClients, v, maxQueuedBytes, stallTimeout, idleTimeout,
                firstLineTimeout, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withMaxQueuedBytes(int v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, v, stallTimeout, idleTimeout,
                firstLineTimeout, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withStallTimeout(Duration v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, maxQueuedBytes, v, idleTimeout,
                firstLineTimeout, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withIdleTimeout(Duration v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, maxQueuedBytes, stallTimeout, v,
                firstLineTimeout, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withFirstLineTimeout(Duration v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, maxQueuedBytes, stallTimeout, idleTimeout,
                v, acceptPause, housekeepingInterval);
    }

    public ConnectorSettings withAcceptPause(Duration v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, maxQueuedBytes, stallTimeout, idleTimeout,
                firstLineTimeout, v, housekeepingInterval);
    }

    public ConnectorSettings withHousekeepingInterval(Duration v) {
        return new ConnectorSettings(listen, maxClients, maxLineBytes, maxQueuedBytes, stallTimeout, idleTimeout,
                firstLineTimeout, acceptPause, v);
    }
}
