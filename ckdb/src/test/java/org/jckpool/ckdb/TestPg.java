package org.jckpool.ckdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jckpool.ckdb.store.DbSettings;

/**
 * PostgreSQL for the tests: a real server. JCKPOOL_TEST_PG_URL (+ JCKPOOL_TEST_PG_USER, JCKPOOL_TEST_PG_PASSWORD)
 * points at an external one; otherwise one embedded server (zonky) is started for the whole test run. Each test
 * gets a database of its own.
 */
public final class TestPg {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private TestPg() {
    }

    public static synchronized DbSettings freshDatabase() {
        String name = "ckdbt_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        String external = System.getenv("JCKPOOL_TEST_PG_URL");
        try {
            if (external != null && !external.isBlank()) {
                String user = System.getenv().getOrDefault("JCKPOOL_TEST_PG_USER", "postgres");
                String pass = System.getenv().getOrDefault("JCKPOOL_TEST_PG_PASSWORD", "");
                create(external, user, pass, name);
                return new DbSettings(external.substring(0, external.lastIndexOf('/') + 1) + name, user, pass);
            }
            if (shared == null) {
                shared = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        shared.close();
                    } catch (IOException e) {
                        // the JVM is ending either way
                    }
                }));
            }
            String url = shared.getJdbcUrl("postgres", "postgres");
            create(url, "postgres", "", name);
            return new DbSettings(shared.getJdbcUrl("postgres", name), "postgres", "");
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("no PostgreSQL for tests: " + e.getMessage(), e);
        }
    }

    /** Port of the embedded server, or -1 when an external one is used. */
    public static synchronized int embeddedPort() {
        return shared == null ? -1 : shared.getPort();
    }

    private static void create(String url, String user, String pass, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, pass); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }
}
