package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import org.jckpool.ckdb.memory.AddressRatio;
import org.jckpool.ckdb.memory.BlockRecord;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.PayoutRecord;
import org.jckpool.ckdb.memory.ShareTotals;
import org.jckpool.ckdb.memory.SourceState;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.store.DbWriter;

/** The queries: users, workers, blocks, payouts, pool and sources, answered from memory alone. */
final class MemoryQueries {
    private final ObjectMapper mapper;
    private final MemoryTables m;
    private final Supplier<DbWriter> writer;

    MemoryQueries(ObjectMapper mapper, MemoryTables m, Supplier<DbWriter> writer) {
        this.mapper = mapper;
        this.m = m;
        this.writer = writer;
    }

    Object users() {
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (UserRecord u : m.users.values()) {
                arr.add(userJson(u, false));
            }
        }
        return arr;
    }

    Object user(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        synchronized (m) {
            UserRecord u = m.user(user);
            if (u == null) {
                throw new BadRequestException("unknown user " + user);
            }
            return userJson(u, true);
        }
    }

    private ObjectNode userJson(UserRecord u, boolean withWorkers) {
        ObjectNode o = mapper.createObjectNode();
        o.put("username", u.username);
        o.put("status", u.status);
        o.put("registered", u.passwordHash != null);
        o.put("workers", u.workers.size());
        totals(o, u.totals);
        ArrayNode addrs = o.putArray("addresses");
        for (AddressRatio a : u.addresses) {
            addrs.addObject().put("address", a.address()).put("ratio", a.ratio());
        }
        if (u.latestStats != null) {
            o.set("stats", u.latestStats);
        }
        if (withWorkers) {
            ArrayNode ws = o.putArray("workerlist");
            u.workers.values().forEach(w -> ws.add(workerJson(w)));
        }
        return o;
    }

    private ObjectNode workerJson(WorkerRecord w) {
        ObjectNode o = mapper.createObjectNode();
        o.put("username", w.username);
        o.put("workername", w.workername);
        o.put("difficultydefault", w.difficultyDefault);
        totals(o, w.totals);
        if (w.latestStats != null) {
            o.set("stats", w.latestStats);
        }
        return o;
    }

    private static void totals(ObjectNode o, ShareTotals t) {
        o.put("diffacc", t.acceptedDiff);
        o.put("shares", t.accepted);
        o.put("rejects", t.rejected);
        o.put("lastshare", t.lastShareMillis / 1000);
    }

    Object workers(ObjectNode p) throws BadRequestException {
        String user = Fields.optName(p, "username", null);
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (UserRecord u : m.users.values()) {
                if (user == null || user.equals(u.username)) {
                    u.workers.values().forEach(w -> arr.add(workerJson(w)));
                }
            }
        }
        return arr;
    }

    Object blocks() {
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (BlockRecord b : m.blocks.values()) {
                arr.add(blockJson(b));
            }
        }
        return arr;
    }

    private ObjectNode blockJson(BlockRecord b) {
        ObjectNode o = mapper.createObjectNode();
        o.put("blockhash", b.blockhash);
        o.put("height", b.height);
        o.put("username", b.username);
        o.put("workername", b.workername);
        o.put("reward", b.reward);
        o.put("netdiff", b.netdiff);
        o.put("status", b.status);
        o.put("created", b.createdMillis / 1000);
        o.put("payouts_computed", b.payoutsComputed);
        if (b.payoutsComputed) {
            o.put("window_diff", b.windowDiff);
            o.put("counted_diff", b.countedDiff);
            o.put("fee", b.fee);
        }
        return o;
    }

    /** The payouts of one block or one user (or one user's of one block), with the pending total. */
    Object payouts(ObjectNode p) throws BadRequestException {
        String hash = p.has("blockhash") ? BlockStatusChanges.blockHash(p) : null;
        String user = Fields.optName(p, "username", null);
        if (hash == null && user == null) {
            throw new BadRequestException("payouts needs 'blockhash' or 'username'");
        }
        ObjectNode r = mapper.createObjectNode();
        ArrayNode arr = r.putArray("payouts");
        long pending = 0;
        synchronized (m) {
            if (hash != null) {
                BlockRecord b = m.blocks.get(hash);
                if (b == null) {
                    throw new BadRequestException("unknown block " + hash);
                }
                r.set("block", blockJson(b));
            }
            for (BlockRecord b : m.blocks.values()) {
                if (hash != null && !hash.equals(b.blockhash)) {
                    continue;
                }
                for (PayoutRecord pr : b.payouts) {
                    if (user != null && !user.equals(pr.username())) {
                        continue;
                    }
                    arr.addObject().put("blockhash", pr.blockhash()).put("height", b.height)
                            .put("username", pr.username()).put("address", pr.address())
                            .put("amount", pr.amount()).put("diff", pr.diff()).put("status", pr.status());
                    if ("pending".equals(pr.status())) {
                        pending += pr.amount();
                    }
                }
            }
        }
        r.put("total_pending", pending);
        return r;
    }

    Object pool() {
        ObjectNode o = mapper.createObjectNode();
        synchronized (m) {
            totals(o, m.poolTotals);
            o.put("users", m.users.size());
            o.put("workers", m.users.values().stream().mapToInt(u -> u.workers.size()).sum());
            o.put("blocks", m.blocks.size());
            o.put("lastworkinfoid", m.lastWorkinfoId);
            if (m.latestPoolStats != null) {
                o.set("poolstats", m.latestPoolStats);
            }
        }
        DbWriter w = writer.get();
        o.put("db_pending_writes", w.pending());
        o.put("db_lag_ms", w.lagMillis());
        o.put("db_down", w.databaseDown());
        return o;
    }

    Object sources() {
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (SourceState s : m.sources.values()) {
                arr.addObject().put("source", s.source).put("lastseq", s.lastSeq)
                        .put("durable", writer.get().durableSeq(s.source)).put("duplicates", s.duplicates)
                        .put("gaps", s.gaps).put("missing", s.missing);
            }
        }
        return arr;
    }
}
