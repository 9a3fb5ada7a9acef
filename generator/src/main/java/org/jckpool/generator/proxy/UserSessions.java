package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.libpool.stratum.SubmitResult;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * User proxy mode ({@code ckpool -u}): one upstream session per user, authorised with that user's name and
 * password, on the upstream the {@link UpstreamManager} has active (its own session there is the health probe).
 * The stratifier reports each user's connected miners ({@code upstream.user}); a session is opened for a user with
 * miners, reopened on the active upstream when it closes or the active upstream changes, and closed once the user
 * has had no miner for {@code idleMillis}. Its work goes to the stratifier tagged with the user.
 */
final class UserSessions implements AutoCloseable {
    private static final AtomicLong GENERATIONS = new AtomicLong(System.currentTimeMillis() * 1000);

    private final UpstreamManager manager;
    private final UserSink sink;
    private final int versionMask;
    private final long idleMillis;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ExecutorService connectors = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proxy-user-connect");
        t.setDaemon(true);
        return t;
    });

    /** Where a user's work goes (the stratifier stream). */
    interface UserSink {
        void userWork(String user, Upstream u, long generation, StratumClient c, Notify n, boolean clean);

        void difficulty(Upstream u, long generation, double diff);
    }

    private static final class Session {
        final String user;
        volatile String pass;
        volatile int miners;
        volatile long idleSince;
        volatile StratumClient client;
        volatile Upstream on;
        volatile long generation;
        volatile boolean connecting;
        volatile long nextAttemptMillis;
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();

        Session(String user) {
            this.user = user;
        }

        boolean open() {
            StratumClient c = client;
            return c != null && c.isOpen();
        }
    }

    UserSessions(UpstreamManager manager, UserSink sink, int versionMask, long idleMillis) {
        this.manager = manager;
        this.sink = sink;
        this.versionMask = versionMask;
        this.idleMillis = idleMillis;
    }

    /** The stratifier's count of {@code user}'s connected miners (and the password the last one authorised with). */
    void miners(String user, String pass, int miners, long now) {
        Session s = sessions.computeIfAbsent(user, Session::new);
        if (pass != null) {
            s.pass = pass;
        }
        if (miners <= 0 && s.miners > 0) {
            s.idleSince = now;
        }
        s.miners = Math.max(0, miners);
        check(now);
    }

    /** Opens what is wanted, moves sessions to the active upstream, closes idle ones (call about once a second). */
    synchronized void check(long now) {
        Upstream active = manager.activeUpstream();
        for (Session s : sessions.values()) {
            if (s.miners == 0 && now - s.idleSince >= idleMillis) {
                sessions.remove(s.user);
                close(s, "idle for " + idleMillis / 1000 + " s");
                continue;
            }
            if (s.open() && s.on != active && active != null) {
                close(s, "the proxy moved to upstream " + active.index);
            }
            if (!s.open() && !s.connecting && active != null && now >= s.nextAttemptMillis) {
                s.connecting = true;
                connectors.execute(() -> connect(s, active));
            }
        }
    }

    private void close(Session s, String why) {
        StratumClient c = s.client;
        if (c != null && c.isOpen()) {
            Log.notice("User %s: closing its upstream session (%s)", s.user, why);
            c.close(why);
        }
    }

    private void connect(Session s, Upstream u) {
        StratumClient c = new StratumClient(new StratumClient.Options(u.host, u.port, s.user,
                s.pass == null ? "x" : s.pass, StratumClient.VERSION, versionMask, true, null, 3000, 5000),
                new Events(s, u));
        try {
            s.client = c;
            s.on = u;
            s.generation = GENERATIONS.incrementAndGet();
            c.connect();
            Log.notice("User %s: upstream session on %d %s, extranonce1 %s", s.user, u.index, u.url(),
                    c.extranonce1());
            Notify n = c.lastNotify();
            if (n != null) {
                sink.userWork(s.user, u, s.generation, c, n, true);
            }
        } catch (Exception e) {
            s.nextAttemptMillis = System.currentTimeMillis() + 2_000;
            Log.warning("User %s: upstream session on %s failed: %s", s.user, u.url(), e.getMessage());
        } finally {
            s.connecting = false;
        }
    }

    private final class Events implements StratumClient.Listener {
        private final Session s;
        private final Upstream u;

        Events(Session s, Upstream u) {
            this.s = s;
            this.u = u;
        }

        private boolean current(StratumClient c) {
            return s.client == c && c.extranonce1() != null;
        }

        @Override
        public void onNotify(StratumClient c, Notify n) {
            if (current(c)) {
                sink.userWork(s.user, u, s.generation, c, n, n.clean());
            }
        }

        @Override
        public void onDifficulty(StratumClient c, double diff) {
            if (current(c)) {
                sink.difficulty(u, s.generation, diff);
            }
        }

        @Override
        public void onExtranonce(StratumClient c, String en1, int size) {
            s.generation = GENERATIONS.incrementAndGet();
            Notify n = c.lastNotify();
            if (current(c) && n != null) {
                sink.userWork(s.user, u, s.generation, c, n, true);
            }
        }

        @Override
        public void onReconnectRequest(StratumClient c, String host, int port, int waitSeconds) {
            s.nextAttemptMillis = System.currentTimeMillis() + Math.min(waitSeconds, 60) * 1000L;
            c.close("client.reconnect");
        }

        @Override
        public void onMessage(StratumClient c, String text) {
            Log.notice("User %s's upstream says: %s", s.user, text);
        }

        @Override
        public void onClosed(StratumClient c, String reason) {
            if (s.client == c) {
                Log.warning("User %s: upstream session closed: %s", s.user, reason);
            }
        }
    }

    /** Every open session's last work again, clean (a stratifier stream opened: a restarted stratifier has none). */
    void resendWork() {
        for (Session s : sessions.values()) {
            StratumClient c = s.client;
            Upstream on = s.on;
            Notify n = c == null ? null : c.lastNotify();
            if (s.open() && on != null && n != null) {
                sink.userWork(s.user, on, s.generation, c, n, true);
            }
        }
    }

    /** Submits {@code user}'s share found on work of {@code generation}; null when that session is gone (stale). */
    CompletableFuture<SubmitResult> submit(String user, long generation, String jobId, String extranonce2,
                                           String ntime, String nonce, String versionBits) {
        Session s = sessions.get(user);
        StratumClient c = s == null ? null : s.client;
        if (c == null || !c.isOpen() || s.generation != generation) {
            return null;
        }
        return c.submit(user, jobId, extranonce2, ntime, nonce, versionBits).thenApply(r -> {
            (r.accepted() ? s.accepted : s.rejected).incrementAndGet();
            return r;
        });
    }

    /** The upstream a user session of {@code generation} is on, or null. */
    Upstream byGeneration(long generation) {
        for (Session s : sessions.values()) {
            if (s.generation == generation) {
                return s.on;
            }
        }
        return null;
    }

    ObjectNode status() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("users");
        for (Session s : sessions.values()) {
            ObjectNode u = a.addObject();
            u.put("user", s.user);
            u.put("miners", s.miners);
            u.put("connected", s.open());
            Upstream on = s.on;
            if (on != null) {
                u.put("upstream", on.index);
            }
            StratumClient c = s.client;
            if (c != null && s.open()) {
                u.put("extranonce1", c.extranonce1());
            }
            u.put("accepted", s.accepted.get());
            u.put("rejected", s.rejected.get());
        }
        return o;
    }

    @Override
    public void close() {
        connectors.shutdownNow();
        sessions.values().forEach(s -> close(s, "shutting down"));
    }
}
