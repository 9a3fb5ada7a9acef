package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One unit of work for the {@link DbWriter}. Ops run in queue order inside the writer's transaction; an op from
 * a sequenced source carries (source, seq) so that the writer can record how far each source is committed.
 */
public interface DbOp {

    /** source of the message this op comes from, or null for admin work (which must be an idempotent upsert) */
    default String source() {
        return null;
    }

    default long seq() {
        return -1;
    }

    /** Statement work; not called for {@link ShareRow}, which the writer copies in bulk. */
    void execute(Connection c) throws SQLException;

    /** Called by the writer thread after the op's transaction committed. */
    default void committed() {
    }

    /** An op that only moves its source's committed sequence number (a message with no table of its own). */
    static DbOp seqMark(String source, long seq) {
        return new OfMessage(source, seq) {
            @Override
            public void execute(Connection c) {
            }
        };
    }

    /** An op for message {@code seq} of {@code source}; the subclass does the statement work. */
    abstract class OfMessage implements DbOp {
        private final String source;
        private final long seq;

        protected OfMessage(String source, long seq) {
            this.source = source;
            this.seq = seq;
        }

        @Override
        public String source() {
            return source;
        }

        @Override
        public long seq() {
            return seq;
        }
    }
}
