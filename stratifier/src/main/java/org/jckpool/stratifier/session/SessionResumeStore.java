package org.jckpool.stratifier.session;

import java.util.HashMap;
import java.util.Map;

/**
 * Sessions of disconnected clients, by session id, kept for ten minutes so that a miner reconnecting with
 * {@code mining.subscribe [agent, sessionId]} gets its extranonce1 back (ckpool does the same).
 */
public final class SessionResumeStore {
    public static final long KEEP_MILLIS = 600_000;

    private record Entry(long extranonce1, long disconnectedMillis) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    public synchronized void remember(String sessionId, long extranonce1, long nowMillis) {
        entries.put(sessionId.toLowerCase(), new Entry(extranonce1, nowMillis));
    }

    /** The extranonce1 of a remembered session (removing it), or -1 when unknown or expired. */
    public synchronized long take(String sessionId, long nowMillis) {
        if (sessionId == null) {
            return -1;
        }
        Entry e = entries.remove(sessionId.toLowerCase());
        if (e == null || nowMillis - e.disconnectedMillis() > KEEP_MILLIS) {
            return -1;
        }
        return e.extranonce1();
    }

    /** Drops expired sessions; returns how many remain. */
    public synchronized int expire(long nowMillis) {
        entries.values().removeIf(e -> nowMillis - e.disconnectedMillis() > KEEP_MILLIS);
        return entries.size();
    }

    /** The sessions kept now, by session id (a handover hands them to the next instance). */
    public synchronized Map<String, Long> snapshot(long nowMillis) {
        Map<String, Long> out = new HashMap<>();
        entries.forEach((id, e) -> {
            if (nowMillis - e.disconnectedMillis() <= KEEP_MILLIS) {
                out.put(id, e.extranonce1());
            }
        });
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }
}
