package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import org.jckpool.ckdb.memory.DiffChange;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.store.DbWriter;
import org.jckpool.ckdb.store.PoolWrites;

/** The pool's requests that wait for an answer: a worker's authorisation and the heartbeat. */
final class PoolRequests {
    private final CkdbConfig config;
    private final ObjectMapper mapper;
    private final MemoryTables m;
    private final Supplier<DbWriter> writer;

    PoolRequests(CkdbConfig config, ObjectMapper mapper, MemoryTables m, Supplier<DbWriter> writer) {
        this.config = config;
        this.mapper = mapper;
        this.m = m;
        this.writer = writer;
    }

    /**
     * A worker logs in: a known, active user (or any user, with auto-add), its worker created on first sight; the
     * answer carries the worker's default difficulty.
     */
    Object authorise(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        String worker = Fields.optName(p, "workername", null);
        if (worker == null) {
            int dot = user.indexOf('.');
            worker = user;
            if (dot > 0) {
                user = user.substring(0, dot);
            }
        }
        long clientId = Fields.optInteger(p, "clientid", 0);
        String agent = Fields.optText(p, "useragent", 256);
        synchronized (m) {
            UserRecord u = m.user(user);
            if (u == null) {
                if (!config.autoAddUsers()) {
                    throw new BadRequestException("unknown user " + user);
                }
                u = m.userCreating(user);
                u.createdMillis = System.currentTimeMillis();
                writer.get().enqueue(PoolWrites.newUser(user));
            }
            if (!"active".equals(u.status)) {
                throw new BadRequestException("user " + user + " is " + u.status);
            }
            WorkerRecord w = u.workers.get(worker);
            if (w == null) {
                w = m.workerCreating(u, worker);
                writer.get().enqueue(PoolWrites.newWorker(user, worker));
            }
            w.lastAuthMillis = System.currentTimeMillis();
            writer.get().enqueue(PoolWrites.auth(user, worker, clientId, agent));
            ObjectNode r = mapper.createObjectNode();
            r.put("username", user);
            r.put("workername", worker);
            r.put("difficultydefault", w.difficultyDefault);
            return r;
        }
    }

    /** Difficulty changes since {@code since}, the time, and whether the database is down. */
    Object heartbeat(ObjectNode p) throws BadRequestException {
        long since = Fields.optInteger(p, "since", 0);
        ObjectNode r = mapper.createObjectNode();
        synchronized (m) {
            ArrayNode changes = r.putArray("diffchange");
            for (DiffChange c : m.diffChanges) {
                if (c.changeId() > since) {
                    ObjectNode o = changes.addObject();
                    o.put("username", c.username());
                    o.put("workername", c.workername());
                    o.put("difficultydefault", c.difficultyDefault());
                }
            }
            r.put("last", m.lastDiffChangeId);
        }
        r.put("now", System.currentTimeMillis() / 1000);
        r.put("dbdown", writer.get().databaseDown());
        return r;
    }
}
