package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** An op running one parameterised statement, for message {@code seq} of {@code source} (null: admin work). */
final class Statement extends DbOp.OfMessage {
    private final String sql;
    private final Object[] args;

    Statement(String source, long seq, String sql, Object... args) {
        super(source, seq);
        this.sql = sql;
        this.args = args;
    }

    @Override
    public void execute(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
