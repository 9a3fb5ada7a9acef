package org.jckpool.generator.proxy;

import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.StratumClient;

import java.util.List;

/**
 * The scheduling proxy's {@link LayoutRoom} as the {@link UpstreamManager} uses it: fixed once the candidate
 * upstreams have answered, then checked against each upstream's connection (an upstream with less extranonce2
 * room is incompatible and gets no work). Holds no room until {@link #start}: before that nothing fits the
 * schedule and every connection's work passes, as in failover mode.
 */
final class ScheduledLayout {
    private final List<Upstream> upstreams;
    private final UpstreamSchedule scheduling;
    private volatile LayoutRoom room;

    ScheduledLayout(List<Upstream> upstreams, UpstreamSchedule scheduling) {
        this.upstreams = upstreams;
        this.scheduling = scheduling;
    }

    /** The hold for the first work counts from {@code nowMillis}. */
    void start(long nowMillis) {
        room = new LayoutRoom(nowMillis);
    }

    /** Started and still waiting for the upstreams' answers before fixing the room. */
    boolean holding() {
        LayoutRoom l = room;
        return l != null && l.room() == 0;
    }

    /** The room carried in every upstream.work; 0: not fixed yet (or not started). */
    int room() {
        LayoutRoom l = room;
        return l == null ? 0 : l.room();
    }

    /**
     * The room, fixed on the first call that can (see {@link LayoutRoom}): the candidates are the upstreams that
     * may get work (weight or price above 0). 0 while it is still held.
     */
    int fix(long now) {
        LayoutRoom l = room;
        if (l == null) {
            return 0; // not started
        }
        int before = l.room();
        if (before > 0) {
            return before;
        }
        boolean[] candidates = scheduling.candidates();
        int[] sizes = new int[upstreams.size()];
        boolean[] undecided = new boolean[sizes.length];
        for (Upstream u : upstreams) {
            StratumClient c = u.client;
            boolean subscribed = candidates[u.index] && u.ready && c != null && c.isOpen();
            sizes[u.index] = subscribed ? c.extranonce2Size() : -1;
            undecided[u.index] = candidates[u.index] && !u.attempted;
        }
        int fixed = l.fix(sizes, undecided, now);
        if (fixed > 0) {
            StringBuilder seen = new StringBuilder();
            for (Upstream u : upstreams) {
                if (sizes[u.index] >= 0) {
                    seen.append(seen.isEmpty() ? "" : ", ").append(u.config.displayName()).append(' ')
                            .append(sizes[u.index]);
                }
            }
            Log.notice("Scheduling proxy layout: %d bytes of each upstream's extranonce2 are the miners' (the smallest"
                    + " of the upstreams subscribed: %s); an upstream with less is incompatible", fixed, seen);
        }
        return fixed;
    }

    /**
     * Whether {@code u}'s connection leaves the fixed room; records why not for the status and logs it once per
     * connection.
     */
    boolean fits(Upstream u) {
        StratumClient c = u.client;
        if (c == null || !u.ready) {
            return false;
        }
        LayoutRoom l = room;
        String problem = l.problem(c.extranonce2Size());
        u.incompatible = problem;
        u.layoutChecked = true;
        if (problem != null && u.incompatibleLogged != u.generation) {
            u.incompatibleLogged = u.generation;
            Log.warning("Upstream %d %s: %s: incompatible, it gets no work (weight 0) until it reconnects with an "
                    + "extranonce2 of %d bytes or more", u.index, u.url(), problem,
                    Math.max(l.room(), LayoutRoom.MIN_ROOM));
            EventLog.global().event("upstream_incompatible", "index", u.index, "name", u.config.displayName(),
                    "url", u.url(), "extranonce2_size", c.extranonce2Size(), "layout_extranonce2_size", l.room());
        }
        return problem == null;
    }

    /** Whether work of {@code c} may go to the stratifier now (always before {@link #start}). */
    boolean admits(StratumClient c) {
        LayoutRoom l = room;
        return l == null || (l.room() > 0 && l.problem(c.extranonce2Size()) == null);
    }

    /** A stratifier's miners already have {@code extranonce2Size}: true when the room grew to it (logged). */
    boolean stratifierLayout(int extranonce2Size) {
        LayoutRoom l = room;
        if (l == null || !l.stratifierLayout(extranonce2Size)) {
            return false;
        }
        Log.notice("A stratifier's miners already have a %d-byte layout: the proxy's layout room is now %d bytes",
                extranonce2Size, l.room());
        return true;
    }
}
