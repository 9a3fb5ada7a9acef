package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The relay's upstream connections. Each miner is placed on one for life: the lowest-numbered connection that is up
 * and has fewer than {@code maxClients} miners, else one still connecting with room, else a new connection. Each
 * connection has its own {@link UpstreamKeeper}, so it reconnects (and is checked for silence) on its own. Lines
 * for a miner whose connection is not up yet wait in order (at most {@link #MAX_HELD_LINES} per connection) and go
 * up as soon as it is. The relay hears which miners a lost connection had, and when a connection could not be
 * made.
 */
final class UpstreamSlots {
    /** Lines kept per connection while it connects; a miner whose line does not fit is told to reconnect. */
    static final int MAX_HELD_LINES = 4_096;

    interface Listener {
        /** A line from connection {@code slot}. */
        void line(UpstreamConnection c, String line);

        /** Connection {@code slot} ended; {@code miners} (connector ids) were on it and are no longer placed. */
        void lost(Slot slot, String reason, List<Long> miners);

        /** Connection {@code slot} is not up and a round over every upstream failed; {@code waiting}: its miners. */
        void notConnected(Slot slot, String error, List<Long> waiting);
    }

    /** What became of a line: written, kept until the connection is up, refused (full), or not needed. */
    enum Sent { SENT, HELD, FULL, DISCARDED }

    /** One upstream connection and the miners placed on it. */
    final class Slot implements UpstreamKeeper.Events {
        private final int id;
        private final UpstreamKeeper keeper;
        private final Set<Long> miners = new HashSet<>();
        private final ArrayDeque<HeldLine> held = new ArrayDeque<>();
        /** Up, and every held line has gone out on it. */
        private volatile boolean ready;

        private Slot(int id) {
            this.id = id;
            this.keeper = new UpstreamKeeper(upstreams, silenceMillis, this, handshake, id);
        }

        int id() {
            return id;
        }

        boolean ready() {
            return ready;
        }

        UpstreamKeeper keeper() {
            return keeper;
        }

        @Override
        public void up(UpstreamConnection c, int index) {
            synchronized (this) {
                HeldLine h;
                while ((h = held.poll()) != null) {
                    if (!(h.answered ? c.send(h.line) : c.sendUnanswered(h.line))) {
                        held.clear();
                        return; // the write failed and closed it: its loss is reported as usual
                    }
                }
                ready = true;
            }
        }

        @Override
        public void line(UpstreamConnection c, String line) {
            listener.line(c, line);
        }

        @Override
        public void closed(UpstreamConnection c, String reason) {
            synchronized (this) {
                ready = false;
                held.clear();
            }
            listener.lost(this, reason, unplaceAll());
        }

        @Override
        public void roundFailed(String lastError) {
            synchronized (this) {
                held.clear();
            }
            listener.notConnected(this, lastError, unplaceAll());
        }

        /** Its miners, no longer placed anywhere. Takes the pool's lock: no code holds that while taking a slot's. */
        private List<Long> unplaceAll() {
            synchronized (UpstreamSlots.this) {
                List<Long> gone = new ArrayList<>(miners);
                miners.clear();
                gone.forEach(placed::remove);
                return gone;
            }
        }

        /** Sends a miner's line now, or keeps it until the connection is up. */
        private synchronized Sent send(String line, boolean answered) {
            UpstreamConnection c = keeper.current();
            if (ready && c != null) {
                boolean ok = answered ? c.send(line) : c.sendUnanswered(line);
                return ok ? Sent.SENT : Sent.HELD; // a failed write closed it: the loss tells the miner
            }
            if (!answered && held.isEmpty()) {
                return Sent.DISCARDED; // a mining.term with nothing waiting: its miner's session went with the link
            }
            if (held.size() >= MAX_HELD_LINES) {
                return Sent.FULL;
            }
            held.add(new HeldLine(line, answered));
            return Sent.HELD;
        }

        private synchronized int heldLines() {
            return held.size();
        }
    }

    private record HeldLine(String line, boolean answered) {
    }

    private final List<HostPort> upstreams;
    private final long silenceMillis;
    private final String handshake;
    private final int maxClients;
    private final Listener listener;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final Map<Long, Slot> placed = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** @param maxClients miners per connection before another is opened ({@link Integer#MAX_VALUE}: one only) */
    UpstreamSlots(List<HostPort> upstreams, long silenceMillis, String handshake, int maxClients,
                  Listener listener) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients " + maxClients + " < 1");
        }
        this.upstreams = List.copyOf(upstreams);
        this.silenceMillis = silenceMillis;
        this.handshake = handshake;
        this.maxClients = maxClients;
        this.listener = listener;
    }

    /** Starts the first connection; more follow as miners need them. */
    synchronized void start() {
        running = true;
        if (slots.isEmpty()) {
            open();
        }
    }

    synchronized void stop() {
        running = false;
        slots.forEach(s -> s.keeper.stop());
    }

    private Slot open() {
        Slot s = new Slot(slots.size());
        slots.add(s);
        if (running) {
            s.keeper.start();
        }
        return s;
    }

    int maxClients() {
        return maxClients;
    }

    /** The first connection that is up, or null. */
    UpstreamConnection current() {
        for (Slot s : slots) {
            UpstreamConnection c = s.keeper.current();
            if (s.ready && c != null && c.isOpen()) {
                return c;
            }
        }
        return null;
    }

    boolean anyReady() {
        return current() != null;
    }

    /** Places a new miner (one already placed stays where it is); its connection. */
    synchronized Slot place(long minerId) {
        Slot s = placed.get(minerId);
        if (s != null) {
            return s;
        }
        Slot pick = null;
        for (Slot c : slots) {
            if (c.miners.size() < maxClients && (c.ready || pick == null)) {
                if (c.ready) {
                    pick = c;
                    break;
                }
                pick = c;
            }
        }
        if (pick == null) {
            pick = open();
        }
        pick.miners.add(minerId);
        placed.put(minerId, pick);
        return pick;
    }

    Slot of(long minerId) {
        return placed.get(minerId);
    }

    /** Forgets a miner; its connection, or null when it was not placed. */
    synchronized Slot release(long minerId) {
        Slot s = placed.remove(minerId);
        if (s != null) {
            s.miners.remove(minerId);
        }
        return s;
    }

    /** A line the upstream answers, on the miner's connection (kept while it connects). */
    Sent send(Slot s, String line) {
        return s.send(line, true);
    }

    /** A line the upstream does not answer (mining.term); dropped when its connection is gone. */
    void sendUnanswered(Slot s, String line) {
        s.send(line, false);
    }

    synchronized int miners(Slot s) {
        return s.miners.size();
    }

    List<Slot> all() {
        return List.copyOf(slots);
    }

    /**
     * {@code upstream}: the first connection that is up (else the first) with connects and losses summed over all;
     * the per-connection list goes under {@code connections}.
     */
    ObjectNode status() {
        Slot first = slots.stream().filter(Slot::ready).findFirst().orElse(slots.isEmpty() ? null : slots.get(0));
        ObjectNode o = first == null ? Json.object() : first.keeper.status();
        o.put("connected", anyReady());
        o.put("connects", slots.stream().mapToLong(s -> s.keeper.connects()).sum());
        o.put("losses", slots.stream().mapToLong(s -> s.keeper.losses()).sum());
        o.remove("id");
        return o;
    }

    /** One entry per connection: its keeper's state, its miners and the lines waiting for it. */
    ArrayNode connections() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Slot s : slots) {
            ObjectNode o = s.keeper.status();
            o.put("connected", s.ready);
            o.put("clients", miners(s));
            o.put("held_lines", s.heldLines());
            o.remove("upstreams");
            a.add(o);
        }
        return a;
    }
}
