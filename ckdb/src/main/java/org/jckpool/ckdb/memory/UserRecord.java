package org.jckpool.ckdb.memory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A user in memory: identity, payment split, totals, workers. */
public final class UserRecord {
    public final String username;
    public String passwordHash;
    public String email;
    public String status = "active";
    public long createdMillis;
    public List<AddressRatio> addresses = new ArrayList<>();
    public final ShareTotals totals = new ShareTotals();
    public final Map<String, WorkerRecord> workers = new TreeMap<>();
    public JsonNode latestStats;

    public UserRecord(String username) {
        this.username = username;
    }
}
