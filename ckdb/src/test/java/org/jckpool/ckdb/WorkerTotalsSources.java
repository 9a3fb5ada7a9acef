package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.jckpool.libpool.json.Json;

/**
 * Per-worker share totals as three places see them: ckdb's memory ({@code workers} query), the {@code worker_totals}
 * table and the share rows themselves. Workers with nothing counted are left out, so the three compare equal.
 */
final class WorkerTotalsSources {

    record Totals(long shares, long rejects, double diffacc) {
    }

    private WorkerTotalsSources() {
    }

    static Map<String, Totals> inMemory(CkdbProcess ckdb) throws Exception {
        JsonNode workers = Json.MAPPER.readTree(ckdb.request("{\"method\":\"workers\",\"id\":1}")).get("result");
        Map<String, Totals> out = new TreeMap<>();
        for (JsonNode w : workers) {
            put(out, w.get("username").asText() + "/" + w.get("workername").asText(), w.get("shares").asLong(),
                    w.get("rejects").asLong(), w.get("diffacc").asDouble());
        }
        return out;
    }

    static Map<String, Totals> inWorkerTotals(Connection c) throws Exception {
        return query(c, "SELECT username, workername, shares, rejects, diffacc FROM worker_totals");
    }

    static Map<String, Totals> inRows(Connection c) throws Exception {
        return query(c, "SELECT username, workername, sum(n), sum(r), sum(d) FROM ("
                + "SELECT username, workername, count(*) n, 0 r, sum(diff) d FROM shares GROUP BY 1, 2 UNION ALL "
                + "SELECT username, workername, 0, count(*), 0 FROM sharerrors GROUP BY 1, 2) t GROUP BY 1, 2");
    }

    private static Map<String, Totals> query(Connection c, String sql) throws Exception {
        Map<String, Totals> out = new TreeMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                put(out, rs.getString(1) + "/" + rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5));
            }
        }
        return out;
    }

    private static void put(Map<String, Totals> out, String worker, long shares, long rejects, double diffacc) {
        if (shares != 0 || rejects != 0 || diffacc != 0) {
            out.put(worker, new Totals(shares, rejects, diffacc));
        }
    }
}
