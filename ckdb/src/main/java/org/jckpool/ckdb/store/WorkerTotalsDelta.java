package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;

/**
 * Share totals per worker on their way into {@code worker_totals}, the roll-up that start-up loads instead of
 * aggregating the whole shares table: collected per transaction and, between roll-ups, over committed ones (see
 * {@link DbWriter}); written together with the mark that says which shares they cover.
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
    private long maxShareId;

    void add(ShareRow s) {
        Sum sum = byUser.computeIfAbsent(s.username(), u -> new HashMap<>())
                .computeIfAbsent(s.workername(), w -> new Sum(s.username(), w));
        sum.diff += s.diff();
        sum.shares++;
        sum.lastMillis = Math.max(sum.lastMillis, s.createdMillis());
        maxShareId = Math.max(maxShareId, s.shareId());
    }

    void merge(WorkerTotalsDelta other) {
        for (Map<String, Sum> workers : other.byUser.values()) {
            for (Sum o : workers.values()) {
                Sum sum = byUser.computeIfAbsent(o.username, u -> new HashMap<>())
                        .computeIfAbsent(o.workername, w -> new Sum(o.username, w));
                sum.diff += o.diff;
                sum.shares += o.shares;
                sum.lastMillis = Math.max(sum.lastMillis, o.lastMillis);
            }
        }
        maxShareId = Math.max(maxShareId, other.maxShareId);
    }

    boolean isEmpty() {
        return byUser.isEmpty();
    }

    /** highest shareid counted here, 0 when none */
    long maxShareId() {
        return maxShareId;
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
