package org.jckpool.ckdb.memory;

import com.fasterxml.jackson.databind.JsonNode;

/** A worker in memory. difficultyDefault 0 means "the pool's start difficulty". */
public final class WorkerRecord {
    public final String username;
    public final String workername;
    public double difficultyDefault;
    public final ShareTotals totals = new ShareTotals();
    public JsonNode latestStats;
    public long lastAuthMillis;

    public WorkerRecord(String username, String workername) {
        this.username = username;
        this.workername = workername;
    }
}
