package org.jckpool.ckdb.store;

import org.jckpool.libpool.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Applies the numbered SQL files listed in {@code schema/migrations.txt} (class path) that the database has
 * not seen yet, each in its own transaction, and records them in {@code schema_version}.
 */
public final class Migrations {
    private static final String BASE = "/org/jckpool/ckdb/schema/";

    private Migrations() {
    }

    /** @return the schema version after the run */
    public static int apply(DataSource ds) throws SQLException {
        List<String> files = listed();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                        + "name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
            }
            int current = currentVersion(c);
            for (String file : files) {
                int version = versionOf(file);
                if (version <= current) {
                    continue;
                }
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    // serialise concurrent starters on one database
                    st.execute("LOCK TABLE schema_version IN EXCLUSIVE MODE");
                    if (currentVersion(c) >= version) {
                        c.rollback();
                        continue;
                    }
                    st.execute(read(file));
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO schema_version (version, name) VALUES (?, ?)")) {
                        ps.setInt(1, version);
                        ps.setString(2, file);
                        ps.executeUpdate();
                    }
                    c.commit();
                    Log.notice("%s", "schema: applied " + file);
                } catch (SQLException e) {
                    c.rollback();
                    throw new SQLException("migration " + file + " failed: " + e.getMessage(), e);
                } finally {
                    c.setAutoCommit(true);
                }
            }
            return currentVersion(c);
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static int versionOf(String file) {
        if (!file.matches("V\\d+__[A-Za-z0-9_]+\\.sql")) {
            throw new IllegalStateException("bad migration file name " + file);
        }
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }

    private static List<String> listed() {
        List<String> out = new ArrayList<>();
        for (String line : read("migrations.txt").split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    private static String read(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema resource " + name, e);
        }
    }
}
