package org.jckpool.stratifier.status;

import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.util.List;
import java.util.Map;

/**
 * Everything the HTTP API and the admin commands show, taken at one moment by the timer thread. Immutable;
 * readers never touch the engine.
 */
public record PoolSnapshot(PoolSummary pool, List<UserSummary> users, Map<String, UserSummary> userByName,
                           Map<String, WorkerSummary> workerByName, List<ClientInfo> clients,
                           Map<Long, ClientInfo> clientById, long takenMillis) {
}
