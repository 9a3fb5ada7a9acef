package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;
import org.jckpool.ckdb.memory.BlockRecord;
import org.jckpool.ckdb.memory.BlockStatuses;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.PayoutRecord;
import org.jckpool.ckdb.memory.SourceState;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.message.ShareMessage;
import org.jckpool.ckdb.payout.BlockPayoutOp;
import org.jckpool.ckdb.store.DbOp;
import org.jckpool.ckdb.store.DbWriter;
import org.jckpool.ckdb.store.PoolWrites;
import org.jckpool.ckdb.store.ShareRow;
import org.jckpool.libpool.log.Log;

/**
 * The pool's sequenced messages (shares, share errors, workinfo, blocks, block statuses, stats): each (source,
 * seq) is admitted once, applied to memory and queued for the {@link DbWriter}. A duplicate changes nothing; a
 * gap is logged and counted. Callers of the admit methods hold the memory lock.
 */
final class PoolMessageIngest {
    /** Outcome of one sequenced message. */
    enum Admit { ACCEPTED, DUPLICATE }

    private final CkdbConfig config;
    private final MemoryTables m;
    private final Supplier<DbWriter> writer;
    private final BlockStatusChanges blockStatus;

    PoolMessageIngest(CkdbConfig config, MemoryTables m, Supplier<DbWriter> writer, BlockStatusChanges blockStatus) {
        this.config = config;
        this.m = m;
        this.writer = writer;
        this.blockStatus = blockStatus;
    }

    static boolean isPoolMessage(String cmd) {
        return switch (cmd) {
            case "workinfo", "shares", "shareerror", "sharerror", "block", "blockstatus", "poolstats",
                 "userstats", "workerstats" -> true;
            default -> false;
        };
    }

    /** One message sent on its own: "added" or "duplicate". */
    Object message(String cmd, ObjectNode p) throws BadRequestException {
        synchronized (m) {
            Admit a = admitAndApply(cmd, p);
            return a == Admit.DUPLICATE ? "duplicate" : "added";
        }
    }

    /** Throws after consuming the sequence number if the body is bad. */
    Admit admitAndApply(String cmd, ObjectNode p) throws BadRequestException {
        String source = Fields.name(p, "source");
        long seq = Fields.integer(p, "seq");
        if (!admit(source, seq)) {
            return Admit.DUPLICATE;
        }
        try {
            apply(cmd, p, source, seq);
        } catch (BadRequestException e) {
            writer.get().enqueue(DbOp.seqMark(source, seq));
            throw e;
        }
        return Admit.ACCEPTED;
    }

    /** {@link #admitAndApply} for a share read by the streaming batch reader. */
    Admit admitAndApplyShare(String source, ShareMessage sm) throws BadRequestException {
        long seq = sm.seq();
        if (!admit(source, seq)) {
            return Admit.DUPLICATE;
        }
        try {
            String user = sm.username();
            String worker = sm.workername(user);
            long workinfoId = sm.workinfoId();
            double diff = sm.diff();
            double sdiff = sm.sdiff(diff);
            long created = sm.createdMillis(System.currentTimeMillis());
            share(source, seq, user, worker, workinfoId, diff, sdiff, created);
        } catch (BadRequestException e) {
            writer.get().enqueue(DbOp.seqMark(source, seq));
            throw e;
        }
        return Admit.ACCEPTED;
    }

    /** Sequence check: false for a duplicate; a gap is logged and counted. */
    private boolean admit(String source, long seq) throws BadRequestException {
        if (seq == 0) {
            throw new BadRequestException("field 'seq' must start at 1");
        }
        SourceState s = m.sources.get(source);
        if (s == null) {
            s = new SourceState(source, 0);
            m.sources.put(source, s);
        }
        if (seq <= s.lastSeq) {
            s.duplicates++;
            return false;
        }
        if (seq > s.lastSeq + 1) {
            s.gaps++;
            s.missing += seq - s.lastSeq - 1;
            Log.warning("%s", "source " + source + " skipped from seq " + s.lastSeq
                    + " to " + seq + " (" + (seq - s.lastSeq - 1) + " messages missing)");
        }
        s.lastSeq = seq;
        return true;
    }

    private void apply(String cmd, ObjectNode p, String source, long seq) throws BadRequestException {
        long now = System.currentTimeMillis();
        switch (cmd) {
            case "shares" -> share(p, source, seq, now);
            case "shareerror", "sharerror" -> shareError(p, source, seq, now);
            case "workinfo" -> workinfo(p, source, seq, now);
            case "block" -> block(p, source, seq, now);
            case "blockstatus" -> blockStatus.apply(p, source, seq);
            case "poolstats" -> poolStats(p, source, seq, now);
            case "userstats", "workerstats" -> userOrWorkerStats(cmd, p, source, seq, now);
            default -> throw new BadRequestException("unknown command '" + cmd + "'");
        }
    }

    private void share(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        String user = Fields.name(p, "username");
        String worker = Fields.optName(p, "workername", user);
        long workinfoId = Fields.optInteger(p, "workinfoid", 0);
        double diff = Fields.number(p, "diff");
        double sdiff = Fields.optNumber(p, "sdiff", diff);
        long created = Fields.createdMillis(p, now);
        share(source, seq, user, worker, workinfoId, diff, sdiff, created);
    }

    private void share(String source, long seq, String user, String worker, long workinfoId, double diff,
                       double sdiff, long created) {
        UserRecord u = m.userCreating(user);
        WorkerRecord w = m.workerCreating(u, worker);
        w.totals.accept(diff, created);
        u.totals.accept(diff, created);
        m.poolTotals.accept(diff, created);
        long shareId = ++m.lastShareId;
        // the records' own name strings, so that queued rows share them instead of holding one copy each
        writer.get().enqueue(new ShareRow(source, seq, shareId, workinfoId, u.username, w.workername, diff, sdiff,
                created));
    }

    private void shareError(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        String user = Fields.name(p, "username");
        String worker = Fields.optName(p, "workername", user);
        long workinfoId = Fields.optInteger(p, "workinfoid", 0);
        double diff = Fields.optNumber(p, "diff", 0);
        long errn = Fields.optInteger(p, "errn", 0);
        String error = Fields.optText(p, "error", 256);
        long created = Fields.createdMillis(p, now);
        UserRecord u = m.userCreating(user);
        WorkerRecord w = m.workerCreating(u, worker);
        w.totals.reject(created);
        u.totals.reject(created);
        m.poolTotals.reject(created);
        writer.get().enqueue(PoolWrites.shareError(source, seq, workinfoId, user, worker, diff,
                (int) Math.min(errn, Integer.MAX_VALUE), error, created));
    }

    private void workinfo(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        long id = Fields.integer(p, "workinfoid");
        long height = Fields.optInteger(p, "height", 0);
        String prevhash = Fields.optText(p, "prevhash", 64);
        String bits = Fields.optText(p, "bits", 16);
        String ntime = Fields.optText(p, "ntime", 16);
        long reward = Fields.optInteger(p, "reward", 0);
        long created = Fields.createdMillis(p, now);
        m.workinfos.put(id, p);
        m.lastWorkinfoId = Math.max(m.lastWorkinfoId, id);
        writer.get().enqueue(PoolWrites.workinfo(source, seq, id, height, prevhash, bits, ntime, reward, created));
    }

    private void block(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        String hash = BlockStatusChanges.blockHash(p);
        long height = Fields.integer(p, "height");
        String user = Fields.name(p, "username");
        String worker = Fields.optName(p, "workername", user);
        long workinfoId = Fields.optInteger(p, "workinfoid", 0);
        long reward = Fields.integer(p, "reward");
        if (reward > 21_000_000L * 100_000_000L) {
            throw new BadRequestException("field 'reward' out of range");
        }
        double netdiff = Fields.number(p, "netdiff");
        if (netdiff <= 0) {
            throw new BadRequestException("field 'netdiff' must be positive");
        }
        long created = Fields.createdMillis(p, now);
        String status = p.hasNonNull("status") ? Fields.text(p, "status", 16).toLowerCase() : "new";
        BlockStatusChanges.requireValid(status);
        if (m.blocks.containsKey(hash)) {
            writer.get().enqueue(DbOp.seqMark(source, seq));
            return;
        }
        BlockRecord b = new BlockRecord(hash, height, workinfoId, user, worker, reward, netdiff, m.lastShareId,
                created, status);
        m.blocks.put(hash, b);
        writer.get().enqueue(PoolWrites.block(source, seq, hash, height, workinfoId, user, worker, reward, netdiff,
                b.shareIdEnd, status, created));
        if (BlockStatuses.neverSubmitted(status)) {
            Log.info("%s", "block solution " + height + " " + hash + " by " + user + "." + worker + " not submitted ("
                    + status + "): no payouts");
            return;
        }
        writer.get().enqueue(new BlockPayoutOp(hash, reward, netdiff, b.shareIdEnd, config.pplnsN(),
                config.poolFee(), this::payoutsComputed));
        Log.notice("%s", "block " + height + " " + hash + " by " + user + "." + worker);
    }

    /** The writer computed a block's payouts: memory takes them, void when the block's status says so. */
    private void payoutsComputed(BlockPayoutOp.Result r) {
        synchronized (m) {
            BlockRecord b = m.blocks.get(r.blockhash());
            if (b == null) {
                return;
            }
            b.payoutsComputed = true;
            b.windowDiff = r.windowDiff();
            b.countedDiff = r.countedDiff();
            b.fee = r.fee();
            b.payouts.clear();
            String status = BlockStatuses.voidsPayouts(b.status) ? "void" : "pending";
            for (PayoutRecord pr : r.payouts()) {
                b.payouts.add(pr.withStatus(status));
            }
        }
    }

    private void poolStats(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        long created = Fields.createdMillis(p, now);
        ObjectNode stats = statsBody(p);
        m.latestPoolStats = stats;
        writer.get().enqueue(PoolWrites.poolStats(source, seq, created, stats.toString()));
    }

    private void userOrWorkerStats(String cmd, ObjectNode p, String source, long seq, long now)
            throws BadRequestException {
        String user = Fields.name(p, "username");
        long created = Fields.createdMillis(p, now);
        ObjectNode stats = statsBody(p);
        UserRecord u = m.userCreating(user);
        if (cmd.equals("userstats")) {
            u.latestStats = stats;
            writer.get().enqueue(PoolWrites.userStats(source, seq, user, created, stats.toString()));
        } else {
            String worker = Fields.optName(p, "workername", user);
            m.workerCreating(u, worker).latestStats = stats;
            writer.get().enqueue(PoolWrites.workerStats(source, seq, user, worker, created, stats.toString()));
        }
    }

    private static ObjectNode statsBody(ObjectNode p) throws BadRequestException {
        ObjectNode stats = p.deepCopy();
        stats.remove(List.of("source", "seq"));
        if (stats.toString().length() > 16_384) {
            throw new BadRequestException("stats object too large");
        }
        return stats;
    }
}
