package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.SessionRecord;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.vardiff.Vardiff;
import org.jckpool.stratifier.vardiff.VardiffConfig;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection's life in the engine: it connects (a new session, high-difficulty vardiff on ports above 4000),
 * resumes a restored session, is dropped, leaves for passthrough, or disconnects (its session stays resumable).
 */
final class ConnectionLife {
    private final EngineConfig config;
    private final ClientOutbound out;
    private final InstantSource clock;
    private final StatsRegistry stats;
    private final SessionRegistry sessions;
    private final WorkDistribution work;
    private final AtomicLong stateChanges;

    ConnectionLife(EngineConfig config, ClientOutbound out, InstantSource clock, StatsRegistry stats,
                   SessionRegistry sessions, WorkDistribution work, AtomicLong stateChanges) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        this.stats = stats;
        this.sessions = sessions;
        this.work = work;
        this.stateChanges = stateChanges;
    }

    void connect(long clientId, String address, int serverIndex) {
        long now = clock.millis();
        VardiffConfig vc = config.highDiffServers().contains(serverIndex)
                ? config.vardiff().forHighDiffPort(config.highDiff()) : config.vardiff();
        ClientSession s = new ClientSession(clientId, address, serverIndex, new Vardiff(vc, now), now);
        ClientSession old = sessions.put(s);
        if (old != null) {
            Log.warning("client %s connected twice; forgetting the first session", clientId);
            sessions.release(old, now);
        }
    }

    void disconnect(long clientId, String reason) {
        ClientSession s = sessions.remove(clientId);
        if (s != null) {
            stateChanges.incrementAndGet();
            synchronized (s) {
                s.dropped(true);
                sessions.release(s, clock.millis());
            }
            if (s.isAuthorised()) {
                work.minersChanged(s.userName());
            }
            Log.debug("client %s disconnected: %s", clientId, reason);
        }
    }

    /** See {@link StratumEngine#onResume}. */
    boolean resume(long clientId, String address, int serverIndex) {
        SessionRecord r = sessions.takeRestored(clientId);
        connect(clientId, address, serverIndex);
        if (r == null) {
            Log.info("client %s resumed without a stored session: served as a new connection", clientId);
            return false;
        }
        ClientSession s = sessions.get(clientId);
        synchronized (s) {
            sessions.resume(s, r, stats, clock.millis());
        }
        stateChanges.incrementAndGet();
        return true;
    }

    /** ckpool's mining.passthrough: the connection leaves the engine and carries other clients (not in proxy mode). */
    void passthrough(ClientSession s) {
        if (work.forwardsUpstream()) {
            Log.info("client %s (%s) asked for passthrough in proxy mode, dropping", s.clientId,
                    s.address);
            drop(s, "passthrough refused in proxy mode");
            return;
        }
        Log.info("client %s (%s) is a passthrough", s.clientId, s.address);
        if (sessions.remove(s)) {
            s.dropped(true);
            sessions.release(s, clock.millis());
            stateChanges.incrementAndGet();
        }
        out.passthrough(s.clientId, s.address, s.serverIndex);
    }

    /**
     * ckpool's mining.node: as a passthrough, and the link also receives the pool's work with its transactions
     * (whether the connection may be a node, i.e. came in on a {@code nodeserver} port, the link layer decides).
     */
    void node(ClientSession s) {
        if (work.forwardsUpstream() || config.solo()) {
            Log.info("client %s (%s) asked to be a mining node in %s mode, dropping", s.clientId, s.address,
                    config.solo() ? "solo" : "proxy");
            drop(s, "mining node refused");
            return;
        }
        Log.info("client %s (%s) asks to be a mining node", s.clientId, s.address);
        if (sessions.remove(s)) {
            s.dropped(true);
            sessions.release(s, clock.millis());
            stateChanges.incrementAndGet();
        }
        out.node(s.clientId, s.address, s.serverIndex);
    }

    void drop(ClientSession s, String reason) {
        synchronized (s) {
            if (!s.dropped()) {
                s.dropped(true);
                out.drop(s.clientId, reason);
            }
        }
    }
}
