package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jckpool.ckdb.memory.BlockRecord;
import org.jckpool.ckdb.memory.BlockStatuses;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.store.DbWriter;
import org.jckpool.ckdb.store.PoolWrites;
import org.jckpool.libpool.log.Log;

/**
 * A found block's status (new, confirmed, orphaned, ...) as the pool, an operator or the chain poller sets it; a
 * status that voids payouts voids the block's payouts with it.
 */
final class BlockStatusChanges {
    private final MemoryTables m;
    private final Supplier<DbWriter> writer;

    BlockStatusChanges(MemoryTables m, Supplier<DbWriter> writer) {
        this.m = m;
        this.writer = writer;
    }

    /** A blockstatus request. Caller holds the memory lock. source null: an admin request, not sequenced. */
    Object apply(ObjectNode p, String source, long seq) throws BadRequestException {
        String hash = blockHash(p);
        String status = Fields.text(p, "status", 16).toLowerCase();
        requireValid(status);
        BlockRecord b = m.blocks.get(hash);
        if (b == null) {
            throw new BadRequestException("unknown block " + hash);
        }
        set(b, status, source, seq);
        return "status " + status;
    }

    /** Used by the chain poller: moves a block to a new status (no-op if unchanged). */
    void fromChain(String blockhash, String status) {
        synchronized (m) {
            BlockRecord b = m.blocks.get(blockhash);
            if (b != null && !b.status.equals(status)) {
                set(b, status, null, -1);
            }
        }
    }

    /** Blocks the chain poller checks: new, confirmed (it may be orphaned yet) and lost (it may have landed). */
    List<String[]> unconfirmed() {
        synchronized (m) {
            List<String[]> out = new ArrayList<>();
            for (BlockRecord b : m.blocks.values()) {
                if (BlockStatuses.polled(b.status)) {
                    out.add(new String[] {b.blockhash, Long.toString(b.height), b.status});
                }
            }
            return out;
        }
    }

    private void set(BlockRecord b, String status, String source, long seq) {
        b.status = status;
        String payoutStatus = BlockStatuses.voidsPayouts(status) ? "void" : "pending";
        b.payouts.replaceAll(pr -> pr.withStatus(payoutStatus));
        writer.get().enqueue(PoolWrites.blockStatus(source, seq, b.blockhash, status));
        writer.get().enqueue(PoolWrites.payoutStatus(b.blockhash, payoutStatus));
        Log.notice("%s", "block " + b.height + " " + b.blockhash + " is " + status
                + (BlockStatuses.voidsPayouts(status) ? "; its payouts are void" : ""));
    }

    static void requireValid(String status) throws BadRequestException {
        if (!BlockStatuses.valid(status)) {
            throw new BadRequestException("field 'status' must be one of " + String.join(", ",
                    new TreeSet<>(BlockStatuses.ALL)));
        }
    }

    /** The request's {@code blockhash}, lower case; 64 hex digits or a bad request. */
    static String blockHash(ObjectNode p) throws BadRequestException {
        String hash = Fields.text(p, "blockhash", 64).toLowerCase();
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new BadRequestException("field 'blockhash' must be 64 hex digits");
        }
        return hash;
    }
}
