package org.jckpool.generator.proxy;

import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.libpool.stratum.SubmitResult;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a share to the upstream whose work it solves and counts the outcome on that {@link Upstream} (accepted,
 * rejected, stale, lost, rejects in a row, round trip) and, in the scheduling proxy, in the per-miner figures.
 */
final class UpstreamSubmitter {
    /** The scheduling proxy's figures; null: priority failover. */
    private final UpstreamSchedule scheduling;

    UpstreamSubmitter(UpstreamSchedule scheduling) {
        this.scheduling = scheduling;
    }

    /**
     * Submits to {@code u} a share found on work of {@code generation}: null (not sent) when {@code u}'s current
     * connection is not that one, or the scheduling proxy left {@code u} more than the grace period ago.
     */
    CompletableFuture<SubmitResult> submit(Upstream u, long generation, String jobId, String extranonce2,
                                           String ntime, String nonce, String versionBits, String worker) {
        StratumClient c = u == null ? null : u.client;
        if (u == null || c == null || !u.ready || u.generation != generation) {
            return null;
        }
        if (scheduling != null && !scheduling.mayForward(u.index, System.currentTimeMillis())) {
            return null;
        }
        u.forwarded.incrementAndGet();
        double diff = c.difficulty();
        return c.submit(u.config.auth(), jobId, extranonce2, ntime, nonce, versionBits).thenApply(r -> {
            if (r.accepted()) {
                if (scheduling != null) {
                    scheduling.accepted(worker, u.index, diff, System.currentTimeMillis());
                }
                u.accepted.incrementAndGet();
                u.consecutiveRejects.set(0);
                u.lastShareMillis = System.currentTimeMillis();
            } else if (r.lost()) {
                u.lost.incrementAndGet();
            } else {
                u.rejected.incrementAndGet();
                if (scheduling != null) {
                    scheduling.rejected(worker, u.index, r.stale());
                }
                if (r.stale()) {
                    u.stale.incrementAndGet();
                } else {
                    u.consecutiveRejects.incrementAndGet();
                }
            }
            if (r.roundTripMillis() >= 0) {
                u.lastRoundTripMillis = r.roundTripMillis();
            }
            return r;
        });
    }
}
