package org.jckpool.ckdb.memory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * ckdb's memory-resident tables, the read path of every query. Guarded by the instance's monitor: callers
 * synchronise on it around reads and writes.
 */
public final class MemoryTables {
    public final Map<String, UserRecord> users = new TreeMap<>();
    public final Map<String, BlockRecord> blocks = new LinkedHashMap<>();
    public final Map<Long, JsonNode> workinfos = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, JsonNode> eldest) {
            return size() > 1000;
        }
    };
    public final Map<String, SourceState> sources = new TreeMap<>();
    public final ShareTotals poolTotals = new ShareTotals();
    public final Deque<DiffChange> diffChanges = new ArrayDeque<>();
    public JsonNode latestPoolStats;
    public long lastShareId;
    public long lastDiffChangeId;
    public long lastWorkinfoId;

    public UserRecord user(String username) {
        return users.get(username);
    }

    public WorkerRecord worker(String username, String workername) {
        UserRecord u = users.get(username);
        return u == null ? null : u.workers.get(workername);
    }

    /** The worker, created in memory if new (its user must exist). */
    public WorkerRecord workerCreating(UserRecord u, String workername) {
        return u.workers.computeIfAbsent(workername, w -> new WorkerRecord(u.username, w));
    }

    /** The user, created in memory if new (shares of an unknown user are still counted). */
    public UserRecord userCreating(String username) {
        return users.computeIfAbsent(username, UserRecord::new);
    }

    public void addDiffChange(String username, String workername, double diff) {
        diffChanges.addLast(new DiffChange(++lastDiffChangeId, username, workername, diff));
        while (diffChanges.size() > 10_000) {
            diffChanges.removeFirst();
        }
    }
}
