package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.stats.StatsRegistry;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** The engine's periodic work; see {@link StratumEngine#tick}. */
final class EngineTick {
    private static final long STATS_DECAY_MILLIS = 60_000;

    private final EngineConfig config;
    private final InstantSource clock;
    private final StatsRegistry stats;
    private final SessionRegistry sessions;
    private final WorkDistribution work;
    private final ConnectionLife life;
    private final AtomicLong stateChanges;
    private volatile long lastStatsDecay;

    EngineTick(EngineConfig config, InstantSource clock, StatsRegistry stats, SessionRegistry sessions,
               WorkDistribution work, ConnectionLife life, AtomicLong stateChanges) {
        this.config = config;
        this.clock = clock;
        this.stats = stats;
        this.sessions = sessions;
        this.work = work;
        this.life = life;
        this.stateChanges = stateChanges;
        this.lastStatsDecay = clock.millis();
    }

    void tick() {
        long now = clock.millis();
        double net = work.networkDiff();
        for (ClientSession s : sessions.all()) {
            synchronized (s) {
                if (s.dropped()) {
                    continue;
                }
                if (s.authPending() && now - s.authStartedMillis() >= StratumEngine.AUTH_WAIT_MILLIS) {
                    s.authTimeout().run();
                }
                if ((!s.isSubscribed() || !s.isAuthorised()) && now - s.connectedMillis >= config.authTimeoutMillis()) {
                    Log.info("client %s (%s) did not subscribe and authorise within %s s", s.clientId,
                            s.address, config.authTimeoutMillis() / 1000);
                    life.drop(s, "no authorisation in time");
                    continue;
                }
                if (s.isAuthorised() && s.workSent()) {
                    double d = s.vardiff().onTick(now, net);
                    if (!Double.isNaN(d)) {
                        Log.info("client %s silent, difficulty %s -> %s", s.clientId,
                                s.vardiff().oldDiff(), d);
                        work.difficultyChanged(s);
                    }
                }
            }
        }
        if (work.retire(now)) {
            stateChanges.incrementAndGet();
        }
        if (sessions.expireUnresumed(now, StratumEngine.RESUME_WAIT_MILLIS)) {
            stateChanges.incrementAndGet();
        }
        sessions.expireResumable(now);
        stats.fold(now);
        if (now - lastStatsDecay >= STATS_DECAY_MILLIS) {
            lastStatsDecay = now;
            stats.decayIdle(now);
        }
    }
}
