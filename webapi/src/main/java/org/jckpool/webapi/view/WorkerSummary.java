package org.jckpool.webapi.view;

import java.time.Instant;

/**
 * One worker (a {@code user.worker} name) aggregated over its connections.
 *
 * @param name        full name as the miner authorised, e.g. {@code "alice.rig1"}
 * @param user        the user part
 * @param hashrate    hashrate over each window
 * @param difficulty  current share difficulty (of its most recent connection)
 * @param accepted    accepted shares since start
 * @param rejected    rejected shares since start
 * @param bestShare   highest share difficulty since start
 * @param lastShare   time of the last accepted share, null if none
 * @param connections connected clients using this name
 */
public record WorkerSummary(
        String name,
        String user,
        Hashrates hashrate,
        double difficulty,
        long accepted,
        long rejected,
        double bestShare,
        Instant lastShare,
        int connections) {
}
