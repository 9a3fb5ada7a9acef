package org.jckpool.connector.link;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.jckpool.libpool.ipc.relay.RelayCodec;

/**
 * What the connector must tell a stratifier that (re)starts, per live client: its C frame and the lines it sent
 * that have no reply yet — lines sent on the stream and still waiting for their reply, and lines held while no
 * stream was up. A line is answered when an S frame for that client carries the line's Stratum id; lines with
 * no id (or id null) expect no reply and are only kept while held.
 *
 * <p>Bounds: held lines (those not yet sent) are capped in total bytes and in count; a line over the cap is
 * refused ({@link #hold} returns false) and the caller answers it with an error. Lines waiting for a reply are
 * capped per client: the oldest is forgotten (a stratifier that never answers some request must not make the
 * list grow).
 *
 * <p>Touched by the connector's I/O thread only; the counters may be read from any thread.
 */
final class RelayBacklog {
    private static final class Client {
        final byte[] connectFrame;
        /** The C frame went out on some stream: the next stream is told that the client is resumed. */
        boolean announced;
        final ArrayDeque<Line> lines = new ArrayDeque<>(4);

        Client(byte[] connectFrame, boolean announced) {
            this.connectFrame = connectFrame;
            this.announced = announced;
        }
    }

    /** One L frame; {@code held} until it went out on a stream. */
    private static final class Line {
        final byte[] frame;
        final long idHash;
        boolean held;

        Line(byte[] frame, long idHash, boolean held) {
            this.frame = frame;
            this.idHash = idHash;
            this.held = held;
        }
    }

    private final HoldLimits limits;
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private volatile int clientCount;
    private volatile long heldBytes;
    private volatile int heldLines;
    private volatile int waiting;
    private volatile long heldTotal;
    private volatile long refused;
    private volatile long forgotten;
    private volatile long replayedLines;

    RelayBacklog(HoldLimits limits) {
        this.limits = limits;
    }

    /** A new client; {@code announced} when its C frame went out on the stream. */
    void connected(long id, byte[] connectFrame, boolean announced) {
        Client old = clients.put(id, new Client(connectFrame, announced));
        if (old != null) {
            forget(old);
        }
        clientCount = clients.size();
    }

    void disconnected(long id) {
        Client c = clients.remove(id);
        if (c != null) {
            forget(c);
        }
        clientCount = clients.size();
    }

    /** A line that went out on the stream: kept until its reply comes back, if it expects one. */
    void sent(long id, byte[] frame, long idHash) {
        if (idHash == StratumIds.NONE) {
            return;
        }
        Client c = clients.get(id);
        if (c == null) {
            return;
        }
        if (c.lines.size() >= limits.maxWaitingPerClient()) {
            Line oldest = c.lines.peekFirst();
            if (!oldest.held) {
                c.lines.pollFirst();
                waiting--;
                forgotten++;
            }
        }
        c.lines.addLast(new Line(frame, idHash, false));
        waiting++;
    }

    /** Holds a line while no stream is up; false (counted) when a cap is reached: the caller answers it. */
    boolean hold(long id, byte[] frame, long idHash) {
        Client c = clients.get(id);
        if (c == null) {
            return true; // not a live client (cannot happen through the I/O thread): nothing to keep
        }
        if (heldLines >= limits.maxHeldLines() || heldBytes + frame.length > limits.maxHeldBytes()) {
            refused++;
            return false;
        }
        c.lines.addLast(new Line(frame, idHash, true));
        heldLines++;
        heldBytes += frame.length;
        heldTotal++;
        return true;
    }

    /** An S frame for the client carried {@code idHash}: its first line with that id is answered. */
    void answered(long id, long idHash) {
        if (idHash == StratumIds.NONE) {
            return;
        }
        Client c = clients.get(id);
        if (c == null || c.lines.isEmpty()) {
            return;
        }
        for (Iterator<Line> it = c.lines.iterator(); it.hasNext(); ) {
            Line l = it.next();
            if (l.idHash == idHash && !l.held) {
                it.remove();
                waiting--;
                return;
            }
        }
    }

    /**
     * Tells a new stream everything, client by client in connect order: the C frame (marked resumed when an
     * earlier stream had it), then the lines without a reply, in the order the client sent them. Lines that
     * expect no reply are dropped once sent; the others wait for their reply again. Stops at the first frame
     * {@code send} refuses (the stream closed) and returns false; what was not sent stays for the next stream.
     */
    boolean replay(Predicate<byte[]> send) {
        for (Map.Entry<Long, Client> e : clients.entrySet()) {
            Client c = e.getValue();
            if (!send.test(c.announced ? RelayCodec.asResumed(c.connectFrame) : c.connectFrame)) {
                return false;
            }
            c.announced = true;
            for (Iterator<Line> it = c.lines.iterator(); it.hasNext(); ) {
                Line l = it.next();
                if (!send.test(l.frame)) {
                    return false;
                }
                replayedLines++;
                if (l.held) {
                    l.held = false;
                    heldLines--;
                    heldBytes -= l.frame.length;
                    if (l.idHash == StratumIds.NONE) {
                        it.remove();
                        continue;
                    }
                    waiting++;
                }
            }
        }
        return true;
    }

    private void forget(Client c) {
        for (Line l : c.lines) {
            if (l.held) {
                heldLines--;
                heldBytes -= l.frame.length;
            } else {
                waiting--;
            }
        }
        c.lines.clear();
    }

    /** Frames a replay would send now (C frames and lines): the room a new stream's queue needs. */
    int replayFrames() {
        return clientCount + heldLines + waiting;
    }

    int clients() {
        return clientCount;
    }

    /** Lines held now (not yet sent on any stream). */
    int heldLines() {
        return heldLines;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** Lines sent and waiting for their reply now. */
    int waiting() {
        return waiting;
    }

    /** Lines held since the start. */
    long heldTotal() {
        return heldTotal;
    }

    /** Lines refused at a cap (answered with an error by the caller) since the start. */
    long refused() {
        return refused;
    }

    /** Lines given up waiting for (over the per-client cap) since the start. */
    long forgotten() {
        return forgotten;
    }

    /** Lines sent again to a new stream since the start. */
    long replayedLines() {
        return replayedLines;
    }
}
