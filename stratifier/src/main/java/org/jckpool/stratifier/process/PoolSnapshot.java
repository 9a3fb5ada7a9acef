package org.jckpool.stratifier.process;

import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.UserStats;
import org.jckpool.webapi.view.WorkerStats;

import java.util.List;
import java.util.Map;

/**
 * Everything the HTTP API and the admin commands show, taken at one moment by the timer thread. Immutable;
 * readers never touch the engine.
 */
public record PoolSnapshot(PoolSummary pool, List<UserStats> users, Map<String, UserStats> userByName,
                           Map<String, WorkerStats> workerByName, List<ClientInfo> clients,
                           Map<Long, ClientInfo> clientById, long takenMillis) {
}
