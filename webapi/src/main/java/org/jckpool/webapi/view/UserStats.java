package org.jckpool.webapi.view;

import java.time.Instant;
import java.util.List;

/** One user (mining address or account) with its workers. */
public record UserStats(
        String name,
        Hashrates hashrate,
        long accepted,
        long rejected,
        double bestShare,
        Instant lastShare,
        List<WorkerStats> workers) {

    public UserStats {
        workers = List.copyOf(workers);
    }
}
