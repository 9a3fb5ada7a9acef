package org.jckpool.ckdb.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Where the database is. The password is never part of {@link #toString()}. */
public record DbSettings(String jdbcUrl, String user, String password) {

    public static DbSettings of(String host, int port, String dbName, String user, String password) {
        return new DbSettings("jdbc:postgresql://" + host + ":" + port + "/" + dbName, user, password);
    }

    public HikariDataSource open(int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("ckdb");
        // fail fast while PostgreSQL is away; the writer retries with its own back-off
        cfg.setConnectionTimeout(2000);
        cfg.setValidationTimeout(1000);
        cfg.setInitializationFailTimeout(-1);
        // ckdb tells the pool a message is durable once its transaction commits: that must mean flushed to disk,
        // whatever the server's default (embedded test servers, for one, default to off)
        cfg.setConnectionInitSql("SET synchronous_commit TO on");
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        cfg.addDataSourceProperty("tcpKeepAlive", "true");
        cfg.addDataSourceProperty("socketTimeout", "30");
        return new HikariDataSource(cfg);
    }

    @Override
    public String toString() {
        return "DbSettings[" + jdbcUrl + " user=" + user + "]";
    }
}
