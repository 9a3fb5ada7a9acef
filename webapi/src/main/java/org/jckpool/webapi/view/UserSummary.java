package org.jckpool.webapi.view;

import java.time.Instant;
import java.util.List;

/** One user (mining address or account) with its workers. */
public record UserSummary(
        String name,
        Hashrates hashrate,
        long accepted,
        long rejected,
        double bestShare,
        Instant lastShare,
        List<WorkerSummary> workers) {

    public UserSummary {
        workers = List.copyOf(workers);
    }
}
