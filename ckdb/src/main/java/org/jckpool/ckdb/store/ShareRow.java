package org.jckpool.ckdb.store;

import java.sql.Connection;

/** One accepted share, copied into {@code shares} in bulk by the writer. */
public record ShareRow(String source, long seq, long shareId, long workinfoId, String username, String workername,
                       double diff, double sdiff, long createdMillis) implements DbOp {

    @Override
    public void execute(Connection c) {
        throw new UnsupportedOperationException("shares are copied in bulk");
    }
}
