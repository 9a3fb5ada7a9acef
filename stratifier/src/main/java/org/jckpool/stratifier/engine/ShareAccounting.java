package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.stratifier.share.RejectReason;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.stats.StatsRegistry;

import java.time.InstantSource;

/**
 * {@code mining.submit}: the share is judged by the session's {@link org.jckpool.stratifier.share.ShareChecker},
 * answered, shown to the {@link ShareObserver}, counted in the statistics and fed to vardiff (whose new difficulty
 * goes out at once). The share path: keep it free of extra allocation and locking. Called under the session's
 * monitor.
 */
final class ShareAccounting {

    private final EngineConfig config;
    private final ClientOutbound out;
    private final InstantSource clock;
    private final StatsRegistry stats;
    private final WorkDistribution work;
    private volatile ShareObserver shareObserver = ShareObserver.NONE;

    ShareAccounting(EngineConfig config, ClientOutbound out, InstantSource clock, StatsRegistry stats,
                    WorkDistribution work) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        this.stats = stats;
        this.work = work;
    }

    void shareObserver(ShareObserver observer) {
        this.shareObserver = observer == null ? ShareObserver.NONE : observer;
    }

    void submit(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        String id = req.idJson();
        ShareResult r;
        if (req.params() == null) {
            r = reject(s, RejectReason.PARAMS_NOT_ARRAY);
        } else if (req.paramCount() != 5 && req.paramCount() != 6) {
            r = reject(s, RejectReason.INVALID_ARRAY_SIZE);
        } else {
            SubmitParams p = new SubmitParams(req.string(0), req.string(1), req.string(2), req.string(3),
                    req.string(4), req.paramCount() == 6 ? req.string(5) : null);
            if (p.versionBits() == null && req.paramCount() == 6 && req.param(5) != null) {
                r = reject(s, RejectReason.INVALID_VERSION_MASK);
            } else {
                r = work.checkerOf(s).check(s, p, now);
            }
        }
        if (r.accepted()) {
            out.send(s.clientId, Replies.ok(id));
        } else {
            out.send(s.clientId, r.reason().reply(id));
        }
        account(s, r, now);
    }

    private static ShareResult reject(ClientSession s, RejectReason reason) {
        if (!s.isSubscribed()) {
            reason = RejectReason.NOT_SUBSCRIBED;
        } else if (!s.isAuthorised()) {
            reason = RejectReason.UNAUTHORIZED;
        }
        return new ShareResult(reason, null, 0, 0, null, null);
    }

    private void account(ClientSession s, ShareResult r, long now) {
        try {
            shareObserver.onShare(s, r, now);
        } catch (RuntimeException e) {
            Log.err("share observer failed: %s", e);
        }
        if (r.shareDiff() > 0) {
            s.bestShare(r.shareDiff());
        }
        if (r.solution() == SolutionOutcome.SUBMITTED) {
            Log.warning("BLOCK SOLVED by client %s worker %s: %s", s.clientId, s.workerName(),
                    r.blockHash());
            if (config.blockMessages()) {
                out.send(s.clientId, Replies.showMessage("Block solved! " + r.blockHash()));
            }
        } else if (r.blockHash() != null) {
            // not worth a warning: on an easy chain every share is one
            Log.info("block solution by client %s worker %s not submitted (%s): %s", s.clientId,
                    s.workerName(), r.solution() == null ? "?" : r.solution().label(), r.blockHash());
        }
        if (!s.isAuthorised()) {
            stats.rejected(null, null, 0, r.reason().rejectReason, now);
            return;
        }
        if (r.accepted()) {
            stats.accepted(s.userStats(), s.workerStats(), r.assignedDiff(), r.shareDiff(), now);
        } else {
            stats.rejected(s.userStats(), s.workerStats(), r.assignedDiff(), r.reason().rejectReason, now);
            if (r.shareDiff() > 0) {
                stats.best(s.userStats(), s.workerStats(), r.shareDiff());
            }
        }
        if (r.accepted() || r.staleButValid()) {
            double d = s.vardiff().onShare(r.assignedDiff(), now, work.networkDiff());
            if (!Double.isNaN(d)) {
                Log.info("client %s difficulty %s -> %s", s.clientId, s.vardiff().oldDiff(), d);
                EventLog.global().event(EventLog.VARDIFF, "id", s.clientId, "worker", s.workerName(), "old_diff",
                        s.vardiff().oldDiff(), "diff", d);
                work.difficultyChanged(s);
            }
        }
    }
}
