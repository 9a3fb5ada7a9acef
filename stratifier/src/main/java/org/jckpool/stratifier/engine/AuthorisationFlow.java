package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.stratifier.session.WorkerName;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * {@code mining.authorize}: checks the worker name (and in solo mode its address), asks the {@link Authoriser}
 * when there is one and holds the connection's further requests until it answers (or {@link
 * StratumEngine#AUTH_WAIT_MILLIS} pass), then replies, sends the first work and replays what was held. Called
 * under the session's monitor; decisions may arrive on any thread.
 */
final class AuthorisationFlow {

    private final EngineConfig config;
    private final ClientOutbound out;
    private final InstantSource clock;
    private final StatsRegistry stats;
    private final WorkDistribution work;
    private final AtomicLong stateChanges;
    /** Handles a request held while authorisation was pending. */
    private final BiConsumer<ClientSession, StratumMessage> replay;
    private volatile Authoriser authoriser;

    AuthorisationFlow(EngineConfig config, ClientOutbound out, InstantSource clock, StatsRegistry stats,
                      WorkDistribution work, AtomicLong stateChanges, BiConsumer<ClientSession, StratumMessage> replay) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        this.stats = stats;
        this.work = work;
        this.stateChanges = stateChanges;
        this.replay = replay;
    }

    void authoriser(Authoriser a) {
        this.authoriser = a;
    }

    Authoriser authoriser() {
        return authoriser;
    }

    void authorize(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        if (!s.isSubscribed()) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 25, "Not subscribed"));
            return;
        }
        String worker = req.string(0);
        String problem = WorkerName.problem(worker);
        if (problem != null) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 24, problem));
            return;
        }
        if (s.isAuthorised()) {
            // Extra workers on one connection share its payout and statistics.
            if (!WorkerName.user(worker).equals(s.userName())) {
                out.send(s.clientId, Replies.error(req.idJson(), "false", 24,
                        "Connection already authorised as user " + s.userName()));
                return;
            }
            s.authorised(worker, s.userName(), s.payoutScript(), s.userStats(), s.workerStats());
            stateChanges.incrementAndGet();
            out.send(s.clientId, Replies.ok(req.idJson()));
            return;
        }
        String user = WorkerName.user(worker);
        byte[] payout = config.poolPayoutScript();
        if (config.solo()) {
            try {
                payout = config.addresses().script(user);
            } catch (RuntimeException e) {
                Log.info("client %s worker %s: not a valid address for solo mining: %s",
                        s.clientId, worker, e.getMessage());
                out.send(s.clientId, Replies.error(req.idJson(), "false", 24,
                        "Invalid address " + user + ": " + e.getMessage()));
                return;
            }
        }
        Authoriser a = authoriser;
        if (a == null) {
            complete(s, req.idJson(), worker, user, payout, 0, now);
            return;
        }
        String id = req.idJson();
        byte[] pay = payout;
        long attempt = s.beginAuth(now, () -> decided(s, 0, id, worker, user, pay,
                Authoriser.Decision.refuse("Authorisation timed out")));
        try {
            String pass = req.string(1);
            String enonce1 = s.extranonce1Hex();
            a.authorise(new Authoriser.Request(s.clientId, user, worker, s.userAgent(), s.address,
                            pass == null ? "" : pass, id, enonce1 == null ? "" : enonce1),
                    d -> decided(s, attempt, id, worker, user, pay, d));
        } catch (RuntimeException e) {
            Log.err("authoriser failed for worker %s: %s", worker, e);
            decided(s, attempt, id, worker, user, pay, Authoriser.Decision.refuse("Authorisation failed"));
        }
    }

    /**
     * The {@link Authoriser} answered (any thread): reply, then replay the requests held meanwhile. A decision
     * for an attempt that is no longer pending (timed out, client gone) is ignored; attempt 0 = the timeout.
     */
    private void decided(ClientSession s, long attempt, String id, String worker, String user, byte[] payout,
                         Authoriser.Decision d) {
        synchronized (s) {
            if (!s.authPending() || (attempt != 0 && s.authAttempt() != attempt)) {
                return;
            }
            ArrayDeque<StratumMessage> held = s.endAuth();
            if (s.dropped()) {
                return;
            }
            if (d != null && d.allowed()) {
                complete(s, id, worker, user, payout, d.startDifficulty(), clock.millis());
            } else {
                String why = d == null || d.reason() == null ? "Unauthorised worker" : d.reason();
                Log.info("client %s worker %s refused: %s", s.clientId, worker, why);
                EventLog.global().event(EventLog.CLIENT_AUTHORISE, "id", s.clientId, "worker", worker, "ok", false,
                        "reason", why);
                out.send(s.clientId, Replies.error(id, "false", 24, why));
            }
            while (!held.isEmpty() && !s.dropped()) {
                if (s.authPending()) {
                    // a held authorize started another wait: the rest keeps its place behind it
                    held.forEach(r -> s.hold(r, Integer.MAX_VALUE));
                    return;
                }
                replay.accept(s, held.pollFirst());
            }
        }
    }

    private void complete(ClientSession s, String id, String worker, String user, byte[] payout, double startDiff,
                          long now) {
        UserStats us = stats.user(user, now);
        us.authorised(now);
        WorkerStats ws = us.worker(worker, now);
        s.authorised(worker, user, payout, us, ws);
        stateChanges.incrementAndGet();
        Log.info("authorised client %s worker %s as user %s", s.clientId, worker, user);
        EventLog.global().event(EventLog.CLIENT_AUTHORISE, "id", s.clientId, "worker", worker, "ok", true);
        out.send(s.clientId, Replies.ok(id));
        boolean diffChanged = startDiff > 0
                && !Double.isNaN(s.vardiff().suggest(startDiff, false, work.networkDiff(), now));
        work.afterAuthorise(s, diffChanged, now);
        work.minersChanged(user);
    }
}
