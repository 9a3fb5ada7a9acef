package org.jckpool.stratifier.engine;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Extranonce1Allocator;
import org.jckpool.stratifier.session.SessionRecord;
import org.jckpool.stratifier.session.SessionResumeStore;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.StatusFiles;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;
import org.jckpool.stratifier.work.JobBook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Who is connected and who may come back: the live sessions by client id, the extranonce1 values they hold, the
 * sessions kept after a disconnect for resume, and those restored from before a restart until the connector
 * reports their client resumed. Holds no session monitor of its own; callers lock a session where they change it.
 */
final class SessionRegistry {
    private static final long IDLE_MILLIS = 600_000;

    private final ConcurrentMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final SessionResumeStore resumable = new SessionResumeStore();
    /** Sessions restored from before a restart, until the connector reports their client resumed. */
    private final ConcurrentMap<Long, SessionRecord> awaitingResume = new ConcurrentHashMap<>();
    private final long extranonceSeed;
    private volatile Extranonce1Allocator extranonces;
    private volatile long restoredAtMillis;

    SessionRegistry(int nonce1Length, long extranonceSeed) {
        this.extranonceSeed = extranonceSeed;
        this.extranonces = new Extranonce1Allocator(nonce1Length, extranonceSeed);
    }

    ClientSession get(long clientId) {
        return sessions.get(clientId);
    }

    /** The live sessions (a concurrent view). */
    Collection<ClientSession> all() {
        return sessions.values();
    }

    /** Adds a new connection's session; returns the one it replaced, if any. */
    ClientSession put(ClientSession s) {
        return sessions.put(s.clientId, s);
    }

    ClientSession remove(long clientId) {
        return sessions.remove(clientId);
    }

    boolean remove(ClientSession s) {
        return sessions.remove(s.clientId, s);
    }

    /** A session ends: its extranonce1 is freed and kept for a miner resuming it. */
    void release(ClientSession s, long now) {
        if (s.isSubscribed() && s.extranonce1() >= 0) {
            extranonces.release(s.extranonce1());
            resumable.remember(s.extranonce1Hex(), s.extranonce1(), now);
        }
    }

    // ---------------------------------------------------------------- extranonce1

    /** The extranonce1 of a resumable session id, claimed again; -1 when there is none or it is in use. */
    long resumeExtranonce1(String sessionId, long now) {
        long en1 = resumable.take(sessionId, now);
        return en1 >= 0 && extranonces.claim(en1) ? en1 : -1;
    }

    long allocateExtranonce1() {
        return extranonces.allocate();
    }

    byte[] extranonceBytes(long extranonce1) {
        return extranonces.bytes(extranonce1);
    }

    /** Proxy mode: miners' extranonce1 becomes {@code bytes} long (before any miner subscribed). */
    void extranonce1Length(int bytes) {
        extranonces = new Extranonce1Allocator(bytes, extranonceSeed);
    }

    // ---------------------------------------------------------------- restart

    /** The subscribed sessions and those restored but not yet resumed; job difficulties of live jobs only. */
    List<SessionRecord> records(JobBook jobs) {
        List<SessionRecord> out = new ArrayList<>(sessions.size() + awaitingResume.size());
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (!s.dropped() && s.isSubscribed()) {
                    out.add(record(s, jobs));
                }
            }
        }
        out.addAll(awaitingResume.values());
        return out;
    }

    private static SessionRecord record(ClientSession s, JobBook jobs) {
        List<SessionRecord.JobDiff> jd = new ArrayList<>();
        s.jobDiffs().forEach((diff, jobId) -> {
            if (jobs.has(jobId)) {
                jd.add(new SessionRecord.JobDiff(jobId, diff));
            }
        });
        byte[] payout = s.payoutScript();
        return new SessionRecord(s.clientId, s.extranonce1(), s.userAgent(), s.workers(), s.userName(),
                payout == null ? null : Hex.encode(payout), s.versionMask(), s.extranonceSubscribed(),
                s.vardiff().diff(), s.vardiff().suggested(), s.vardiff().minerMinimum(), s.bestShare(), jd);
    }

    /** Sessions of the previous run wait for their clients; their extranonce1 values are taken meanwhile. */
    void restore(List<SessionRecord> records, long now) {
        restoredAtMillis = now;
        for (SessionRecord r : records) {
            if (extranonces.claim(r.extranonce1())) {
                awaitingResume.put(r.clientId(), r);
            }
        }
    }

    /** The restored session of a client the connector kept through the restart, or null. */
    SessionRecord takeRestored(long clientId) {
        return awaitingResume.remove(clientId);
    }

    /** Puts a restored session's state into the new session of its client (caller holds its monitor). */
    void resume(ClientSession s, SessionRecord r, StatsRegistry stats, long now) {
        s.subscribed(r.extranonce1(), extranonces.bytes(r.extranonce1()), r.userAgent());
        s.versionMask(r.versionMask());
        s.extranonceSubscribed(r.extranonceSubscribed());
        s.vardiff().restore(r.diff(), r.suggested(), r.minerMinimum(), now);
        s.bestShare(r.bestShare());
        if (r.authorised()) {
            byte[] payout = Hex.decode(r.payoutHex());
            UserStats us = stats.user(r.user(), now);
            WorkerStats ws = us.worker(r.workers().get(0), now);
            for (String w : r.workers()) {
                s.authorised(w, r.user(), payout, us, ws);
            }
        }
        for (SessionRecord.JobDiff jd : r.jobs()) {
            s.restoreJob(jd.jobId(), jd.diff());
        }
    }

    /**
     * Restored sessions no client claimed within {@code waitMillis} go to the resume store (a reconnecting miner
     * gets them). Returns whether any were waiting.
     */
    boolean expireUnresumed(long now, long waitMillis) {
        if (awaitingResume.isEmpty() || now - restoredAtMillis < waitMillis) {
            return false;
        }
        for (SessionRecord r : awaitingResume.values()) {
            if (awaitingResume.remove(r.clientId(), r)) {
                extranonces.release(r.extranonce1());
                resumable.remember(Hex.encode(extranonces.bytes(r.extranonce1())), r.extranonce1(), now);
            }
        }
        return true;
    }

    void expireResumable(long now) {
        resumable.expire(now);
    }

    // ---------------------------------------------------------------- handover and views

    /** Every session a miner could resume, by session id: connected and subscribed, or kept after a disconnect. */
    Map<String, Long> export(long now) {
        Map<String, Long> out = new HashMap<>(resumable.snapshot(now));
        for (ClientSession s : sessions.values()) {
            synchronized (s) {
                if (s.isSubscribed() && s.extranonce1() >= 0) {
                    out.put(s.extranonce1Hex().toLowerCase(), s.extranonce1());
                }
            }
        }
        return out;
    }

    void importSessions(Map<String, Long> bySessionId, long now) {
        bySessionId.forEach((id, en1) -> resumable.remember(id, en1, now));
    }

    /** Authorised, connected sessions of {@code user}. */
    int minersOf(String user) {
        int n = 0;
        for (ClientSession s : sessions.values()) {
            if (s.isAuthorised() && !s.dropped() && user.equals(s.userName())) {
                n++;
            }
        }
        return n;
    }

    StatusFiles.PoolCounts counts(long now) {
        Set<String> users = new HashSet<>();
        int workers = 0;
        int idle = 0;
        for (ClientSession s : sessions.values()) {
            if (s.isAuthorised()) {
                users.add(s.userName());
                workers++;
                WorkerStats w = s.workerStats();
                if (w != null && now - Math.max(w.lastShareMillis(), s.connectedMillis) > IDLE_MILLIS) {
                    idle++;
                }
            }
        }
        return new StatusFiles.PoolCounts(users.size(), workers, idle, resumable.size());
    }
}
