package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jckpool.ckdb.memory.AddressRatio;

/**
 * The operators' changes. Each is committed in a transaction of its own ({@link #commit}) before memory changes
 * and the caller hears "ok", so an acknowledged change survives a crash; they are rare, so they do not wait
 * behind the share writer's queue.
 */
public final class AdminWrites {
    private AdminWrites() {
    }

    public static DbOp addUser(String user, String passwordHash, String email) {
        return new Statement(null, -1, "INSERT INTO users (username, passwordhash, email) VALUES (?, ?, ?) "
                + "ON CONFLICT (username) DO UPDATE SET passwordhash = EXCLUDED.passwordhash, "
                + "email = EXCLUDED.email", user, passwordHash, email);
    }

    public static DbOp workerDifficulty(String user, String worker, double difficulty) {
        return new Statement(null, -1, "INSERT INTO workers (username, workername, difficultydefault) "
                + "VALUES (?, ?, ?) ON CONFLICT (username, workername) DO UPDATE SET difficultydefault = "
                + "EXCLUDED.difficultydefault", user, worker, difficulty);
    }

    /** Replaces the user's payment addresses; their order is kept in createdate. */
    public static DbOp addresses(String user, List<AddressRatio> addresses) {
        List<AddressRatio> copy = List.copyOf(addresses);
        return c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM paymentaddresses WHERE username = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO paymentaddresses (username, "
                         + "address, ratio, createdate) VALUES (?, ?, ?, now() + ? * interval '1 microsecond')")) {
                del.setString(1, user);
                del.executeUpdate();
                int i = 0;
                for (AddressRatio a : copy) {
                    ins.setString(1, user);
                    ins.setString(2, a.address());
                    ins.setInt(3, a.ratio());
                    ins.setInt(4, i++);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        };
    }

    /** Runs {@code op} in a transaction of its own and commits it; rolled back on failure. */
    public static void commit(DataSource ds, DbOp op) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                op.execute(c);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
