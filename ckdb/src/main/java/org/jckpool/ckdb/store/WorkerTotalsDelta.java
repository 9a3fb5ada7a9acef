package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;

/**
 * What one writer transaction adds to {@code worker_totals}, the per-worker roll-up that start-up loads instead of
 * aggregating the whole shares table. Written in the same transaction as the shares, so the two always agree.
 */
final class WorkerTotalsDelta {
    static final String UPSERT_FROM_SELECT =
            "INSERT INTO worker_totals (username, workername, diffacc, shares, rejects, lastshare) ";
    static final String ON_CONFLICT = "ON CONFLICT (username, workername) DO UPDATE SET "
            + "diffacc = worker_totals.diffacc + EXCLUDED.diffacc, shares = worker_totals.shares + EXCLUDED.shares, "
            + "rejects = worker_totals.rejects + EXCLUDED.rejects, "
            + "lastshare = GREATEST(worker_totals.lastshare, EXCLUDED.lastshare)";

    private static final class Sum {
        final String username;
        final String workername;
        double diff;
        long shares;
        long lastMillis;

        Sum(String username, String workername) {
            this.username = username;
            this.workername = workername;
        }
    }

    private final Map<String, Map<String, Sum>> byUser = new HashMap<>();

    void add(ShareRow s) {
        Sum sum = byUser.computeIfAbsent(s.username(), u -> new HashMap<>())
                .computeIfAbsent(s.workername(), w -> new Sum(s.username(), w));
        sum.diff += s.diff();
        sum.shares++;
        sum.lastMillis = Math.max(sum.lastMillis, s.createdMillis());
    }

    void write(Connection c) throws SQLException {
        if (byUser.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_FROM_SELECT + "VALUES (?, ?, ?, ?, 0, ?) "
                + ON_CONFLICT)) {
            for (Map<String, Sum> workers : byUser.values()) {
                for (Sum sum : workers.values()) {
                    ps.setString(1, sum.username);
                    ps.setString(2, sum.workername);
                    ps.setDouble(3, sum.diff);
                    ps.setLong(4, sum.shares);
                    ps.setTimestamp(5, new Timestamp(sum.lastMillis));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }
}
