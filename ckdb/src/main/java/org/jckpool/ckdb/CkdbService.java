package org.jckpool.ckdb;

import org.jckpool.libpool.log.Log;
import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jckpool.ckdb.memory.BlockRecord;
import org.jckpool.ckdb.memory.BlockStatuses;
import org.jckpool.ckdb.memory.DiffChange;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.PayoutRecord;
import org.jckpool.ckdb.memory.ShareTotals;
import org.jckpool.ckdb.memory.SourceState;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;
import org.jckpool.ckdb.message.BadRequestException;
import org.jckpool.ckdb.message.BatchReader;
import org.jckpool.ckdb.message.ShareMessage;
import org.jckpool.ckdb.message.Fields;
import org.jckpool.ckdb.message.Request;
import org.jckpool.ckdb.message.RequestParser;
import org.jckpool.ckdb.payout.BlockPayoutOp;
import org.jckpool.ckdb.payout.PayoutMath.AddressRatio;
import org.jckpool.ckdb.store.DbOp;
import org.jckpool.ckdb.store.DbWriter;
import org.jckpool.ckdb.store.MemoryLoader;
import org.jckpool.ckdb.store.Migrations;
import org.jckpool.ckdb.store.RollUpAtStart;
import org.jckpool.ckdb.store.ShareRow;

/**
 * ckdb's core: every request text in, one reply text out. Pool messages update memory (the read path) and are
 * queued for the {@link DbWriter}; queries answer from memory. Thread-safe; memory is guarded by its monitor.
 */
public final class CkdbService implements AutoCloseable {
    private static final int BCRYPT_COST = 10;
    private static final int MAX_PASSWORD = 72;

    private final CkdbConfig config;
    private final DataSource ds;
    private final ObjectMapper mapper;
    private final RequestParser parser;
    private final BatchReader batchReader;
    private final MemoryTables m = new MemoryTables();
    /** Serialises admin changes (see {@link #writeNow}); never taken while holding the memory lock. */
    private final Object adminLock = new Object();
    private final ChainPollHook chainPoll;
    private volatile Runnable shutdownHook = () -> { };
    private DbWriter writer;

    /** Asks the chain about a block; see {@link org.jckpool.ckdb.chain.BlockStatusPoller}. */
    public interface ChainPollHook {
        int pollOnce();
    }

    public CkdbService(CkdbConfig config, DataSource ds, ObjectMapper mapper) {
        this(config, ds, mapper, null);
    }

    public CkdbService(CkdbConfig config, DataSource ds, ObjectMapper mapper, ChainPollHook chainPoll) {
        this.config = config;
        this.ds = ds;
        this.mapper = mapper;
        this.parser = new RequestParser(mapper);
        this.batchReader = new BatchReader(mapper);
        this.chainPoll = chainPoll;
    }

    /** Applies migrations, loads memory, starts the writer. Needs the database (fails when it is unreachable). */
    public CkdbService start() throws SQLException {
        int version = Migrations.apply(ds);
        long rolledUp = RollUpAtStart.addSharesAboveMark(ds);
        if (rolledUp > 0) {
            Log.notice("%s", "worker_totals: added " + rolledUp + " shares the last run had not rolled up");
        }
        synchronized (m) {
            MemoryLoader.load(ds, m, mapper);
            java.util.Map<String, Long> committed = new java.util.HashMap<>();
            m.sources.values().forEach(s -> committed.put(s.source, s.lastSeq));
            writer = new DbWriter(ds, config.writerQueue(), committed);
            Log.notice("%s", "schema v" + version + ", loaded " + m.users.size()
                    + " users, " + m.blocks.size() + " blocks, " + m.poolTotals.accepted + " shares");
        }
        return this;
    }

    public void onShutdownRequest(Runnable hook) {
        this.shutdownHook = hook;
    }

    public DbWriter writer() {
        return writer;
    }

    /** Handles one request; never throws, a bad request gets a {@code failed.} reply. */
    public String handle(String text) {
        if (text != null && text.length() <= RequestParser.MAX_REQUEST_CHARS && BatchReader.looksLikeBatch(text)) {
            String reply = handleStreamedBatch(text);
            if (reply != null) {
                return reply;
            }
        }
        Request req;
        try {
            req = parser.parse(text);
        } catch (BadRequestException e) {
            return failedReply(guessForm(text), e.id(), e.getMessage());
        }
        try {
            Object result = dispatch(req);
            return okReply(req, result);
        } catch (BadRequestException e) {
            return failedReply(req.form(), req.id(), e.getMessage());
        } catch (RuntimeException e) {
            Log.err("%s failed: %s", req.cmd(), e);
            return failedReply(req.form(), req.id(), "internal error");
        }
    }

    /** The fast path for the pool's batches; null when the reader leaves the text to the general path. */
    private String handleStreamedBatch(String text) {
        BatchReader.Batch b;
        try {
            b = batchReader.read(text);
        } catch (BadRequestException e) {
            return failedReply(Request.Form.JSON, e.id(), e.getMessage());
        }
        if (b == null) {
            return null;
        }
        Request req = new Request("batch", b.id(), null, Request.Form.JSON);
        try {
            return okReply(req, batch(b));
        } catch (RuntimeException e) {
            Log.err("batch failed: %s", e);
            return failedReply(req.form(), req.id(), "internal error");
        }
    }

    private static Request.Form guessForm(String text) {
        if (text != null && text.strip().startsWith("{")) {
            return Request.Form.JSON;
        }
        return text != null && text.contains(".json=") ? Request.Form.CKPOOL : Request.Form.TEXT;
    }

    private String okReply(Request req, Object result) {
        switch (req.form()) {
            case CKPOOL:
                return req.id() + "." + epoch() + ".ok." + asText(result);
            case JSON: {
                ObjectNode o = mapper.createObjectNode();
                o.put("id", req.id());
                o.set("result", result instanceof JsonNode j ? j : mapper.getNodeFactory().textNode(asText(result)));
                o.putNull("error");
                return o.toString();
            }
            default:
                return asText(result);
        }
    }

    private String failedReply(Request.Form form, String id, String reason) {
        switch (form) {
            case CKPOOL:
                return (id == null ? "0" : id) + "." + epoch() + ".failed." + reason;
            case JSON: {
                ObjectNode o = mapper.createObjectNode();
                o.put("id", id);
                o.putNull("result");
                o.put("error", reason);
                return o.toString();
            }
            default:
                return "failed." + reason;
        }
    }

    private static long epoch() {
        return System.currentTimeMillis() / 1000;
    }

    private static String asText(Object result) {
        return result instanceof JsonNode j ? j.toString() : String.valueOf(result);
    }

    private Object dispatch(Request req) throws BadRequestException {
        ObjectNode p = req.params();
        switch (req.cmd()) {
            case "ping":
                return "pong";
            case "loglevel":
                return "success";
            case "shutdown":
            case "terminate":
                shutdownHook.run();
                return "exiting";
            case "batch":
                return batch(p);
            case "authorise":
            case "authorize":
                return authorise(p);
            case "heartbeat":
                return heartbeat(p);
            case "adduser":
                return addUser(p);
            case "userlogin":
                return userLogin(p);
            case "setworkerdiff":
                return setWorkerDiff(p);
            case "setaddresses":
                return setAddresses(p);
            case "blockstatus":
                if (!p.has("source")) {
                    synchronized (m) {
                        return blockStatus(p, null, -1);
                    }
                }
                return poolMessage(req.cmd(), p);
            case "pollblocks":
                return pollBlocks();
            case "users":
                return queryUsers();
            case "user":
                return queryUser(p);
            case "workers":
                return queryWorkers(p);
            case "blocks":
                return queryBlocks();
            case "payouts":
                return queryPayouts(p);
            case "pool":
            case "stats":
                return queryPool();
            case "sources":
                return querySources();
            default:
                if (isPoolMessage(req.cmd())) {
                    return poolMessage(req.cmd(), p);
                }
                throw new BadRequestException("unknown command '" + req.cmd() + "'");
        }
    }

    private static boolean isPoolMessage(String cmd) {
        return switch (cmd) {
            case "workinfo", "shares", "shareerror", "sharerror", "block", "blockstatus", "poolstats",
                 "userstats", "workerstats" -> true;
            default -> false;
        };
    }

    // ---- sequenced pool messages ----

    /** Outcome of one sequenced message. */
    private enum Admit { ACCEPTED, DUPLICATE }

    private Object poolMessage(String cmd, ObjectNode p) throws BadRequestException {
        synchronized (m) {
            Admit a = admitAndApply(cmd, p);
            return a == Admit.DUPLICATE ? "duplicate" : "added";
        }
    }

    /** Caller holds the memory lock. Throws after consuming the sequence number if the body is bad. */
    private Admit admitAndApply(String cmd, ObjectNode p) throws BadRequestException {
        String source = Fields.name(p, "source");
        long seq = Fields.integer(p, "seq");
        if (!admit(source, seq)) {
            return Admit.DUPLICATE;
        }
        try {
            apply(cmd, p, source, seq);
        } catch (BadRequestException e) {
            writer.enqueue(DbOp.seqMark(source, seq));
            throw e;
        }
        return Admit.ACCEPTED;
    }

    /** {@link #admitAndApply} for a share read by the streaming {@link BatchReader}. */
    private Admit admitAndApplyShare(String source, ShareMessage sm) throws BadRequestException {
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
            writer.enqueue(DbOp.seqMark(source, seq));
            throw e;
        }
        return Admit.ACCEPTED;
    }

    /** Sequence check: false for a duplicate; a gap is logged and counted. Caller holds the memory lock. */
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
            case "blockstatus" -> blockStatus(p, source, seq);
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
        writer.enqueue(new ShareRow(source, seq, shareId, workinfoId, u.username, w.workername, diff, sdiff,
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
        // the reject counts in worker_totals only when the row is new (a resent message changes nothing)
        writer.enqueue(sql(source, seq, "WITH ins AS (INSERT INTO sharerrors (source, seq, workinfoid, username, "
                + "workername, diff, errn, error, createdate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                + "RETURNING username, workername, createdate) INSERT INTO worker_totals (username, workername, "
                + "rejects, lastshare) SELECT username, workername, 1, createdate FROM ins ON CONFLICT (username, "
                + "workername) DO UPDATE SET rejects = worker_totals.rejects + 1, lastshare = "
                + "GREATEST(worker_totals.lastshare, EXCLUDED.lastshare)",
                source, seq, workinfoId, user, worker, diff, (int) Math.min(errn, Integer.MAX_VALUE), error,
                new Timestamp(created)));
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
        writer.enqueue(sql(source, seq, "INSERT INTO workinfo (workinfoid, height, prevhash, bits, ntime, reward, "
                + "createdate) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                id, height, prevhash, bits, ntime, reward, new Timestamp(created)));
    }

    private void block(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        String hash = blockHash(p);
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
        if (!BlockStatuses.valid(status)) {
            throw new BadRequestException("field 'status' must be one of " + String.join(", ",
                    new java.util.TreeSet<>(BlockStatuses.ALL)));
        }
        if (m.blocks.containsKey(hash)) {
            writer.enqueue(DbOp.seqMark(source, seq));
            return;
        }
        BlockRecord b = new BlockRecord(hash, height, workinfoId, user, worker, reward, netdiff, m.lastShareId,
                created, status);
        m.blocks.put(hash, b);
        writer.enqueue(sql(source, seq, "INSERT INTO blocks (blockhash, height, workinfoid, username, workername, "
                + "reward, netdiff, shareid_end, status, createdate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", hash, height, workinfoId, user, worker, reward, netdiff, b.shareIdEnd,
                status, new Timestamp(created)));
        if (BlockStatuses.neverSubmitted(status)) {
            Log.info("%s", "block solution " + height + " " + hash + " by " + user + "." + worker + " not submitted ("
                    + status + "): no payouts");
            return;
        }
        writer.enqueue(new BlockPayoutOp(hash, reward, netdiff, b.shareIdEnd, config.pplnsN(), config.poolFee(),
                this::payoutsComputed));
        Log.notice("%s", "block " + height + " " + hash + " by " + user + "." + worker);
    }

    private static String blockHash(ObjectNode p) throws BadRequestException {
        String hash = Fields.text(p, "blockhash", 64).toLowerCase();
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new BadRequestException("field 'blockhash' must be 64 hex digits");
        }
        return hash;
    }

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

    /** Caller holds the memory lock. source null: an admin request, not sequenced. */
    private Object blockStatus(ObjectNode p, String source, long seq) throws BadRequestException {
        String hash = blockHash(p);
        String status = Fields.text(p, "status", 16).toLowerCase();
        if (!BlockStatuses.valid(status)) {
            throw new BadRequestException("field 'status' must be one of " + String.join(", ",
                    new java.util.TreeSet<>(BlockStatuses.ALL)));
        }
        BlockRecord b = m.blocks.get(hash);
        if (b == null) {
            throw new BadRequestException("unknown block " + hash);
        }
        setBlockStatus(b, status, source, seq);
        return "status " + status;
    }

    private void setBlockStatus(BlockRecord b, String status, String source, long seq) {
        b.status = status;
        String payoutStatus = BlockStatuses.voidsPayouts(status) ? "void" : "pending";
        b.payouts.replaceAll(pr -> pr.withStatus(payoutStatus));
        DbOp blockUpdate = sql(source, seq, "UPDATE blocks SET status = ?, statusdate = now() WHERE blockhash = ?",
                status, b.blockhash);
        writer.enqueue(blockUpdate);
        writer.enqueue(sql(null, -1, "UPDATE payouts SET status = ? WHERE blockhash = ?", payoutStatus,
                b.blockhash));
        Log.notice("%s", "block " + b.height + " " + b.blockhash + " is " + status
                + (BlockStatuses.voidsPayouts(status) ? "; its payouts are void" : ""));
    }

    /** Used by the chain poller: moves a block to a new status (no-op if unchanged). */
    public void chainStatus(String blockhash, String status) {
        synchronized (m) {
            BlockRecord b = m.blocks.get(blockhash);
            if (b != null && !b.status.equals(status)) {
                setBlockStatus(b, status, null, -1);
            }
        }
    }

    /** Blocks the chain poller checks: new, confirmed (it may be orphaned yet) and lost (it may have landed). */
    public List<String[]> unconfirmedBlocks() {
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

    private Object pollBlocks() throws BadRequestException {
        if (chainPoll == null) {
            throw new BadRequestException("no bitcoind configured for block confirmation");
        }
        return "changed " + chainPoll.pollOnce();
    }

    private void poolStats(ObjectNode p, String source, long seq, long now) throws BadRequestException {
        long created = Fields.createdMillis(p, now);
        ObjectNode stats = statsBody(p);
        m.latestPoolStats = stats;
        writer.enqueue(sql(source, seq, "INSERT INTO poolstats (source, createdate, stats) VALUES (?, ?, ?::jsonb)",
                source, new Timestamp(created), stats.toString()));
    }

    private void userOrWorkerStats(String cmd, ObjectNode p, String source, long seq, long now)
            throws BadRequestException {
        String user = Fields.name(p, "username");
        long created = Fields.createdMillis(p, now);
        ObjectNode stats = statsBody(p);
        UserRecord u = m.userCreating(user);
        if (cmd.equals("userstats")) {
            u.latestStats = stats;
            writer.enqueue(sql(source, seq, "INSERT INTO userstats (username, createdate, stats) VALUES (?, ?, "
                    + "?::jsonb)", user, new Timestamp(created), stats.toString()));
        } else {
            String worker = Fields.optName(p, "workername", user);
            m.workerCreating(u, worker).latestStats = stats;
            writer.enqueue(sql(source, seq, "INSERT INTO workerstats (username, workername, createdate, stats) "
                    + "VALUES (?, ?, ?, ?::jsonb)", user, worker, new Timestamp(created), stats.toString()));
        }
    }

    private ObjectNode statsBody(ObjectNode p) throws BadRequestException {
        ObjectNode stats = p.deepCopy();
        stats.remove(List.of("source", "seq"));
        if (stats.toString().length() > 16_384) {
            throw new BadRequestException("stats object too large");
        }
        return stats;
    }

    private Object batch(ObjectNode p) throws BadRequestException {
        String source = Fields.name(p, "source");
        JsonNode msgs = p.get("messages");
        if (msgs == null || !msgs.isArray()) {
            throw new BadRequestException("missing field 'messages' (array)");
        }
        BatchTally tally = new BatchTally();
        synchronized (m) {
            for (JsonNode msg : msgs) {
                try {
                    if (!(msg instanceof ObjectNode o) || !o.path("method").isTextual()
                            || !(o.get("params") instanceof ObjectNode params)) {
                        throw new BadRequestException("message must be {\"method\",\"params\"}");
                    }
                    String cmd = o.get("method").asText().toLowerCase();
                    tally.admitted(admitPoolMessage(source, cmd, params));
                } catch (BadRequestException e) {
                    tally.failed(e.getMessage());
                }
            }
        }
        return tally.reply(source);
    }

    /** A batch read by {@link BatchReader}'s streaming parser: shares never become JSON trees. */
    private Object batch(BatchReader.Batch b) {
        String source = b.source();
        BatchTally tally = new BatchTally();
        synchronized (m) {
            for (BatchReader.Item item : b.items()) {
                try {
                    if (item instanceof BatchReader.ShareItem si) {
                        if (!source.equals(si.share().sourceText())) {
                            throw new BadRequestException("message source differs from batch source");
                        }
                        tally.admitted(admitAndApplyShare(source, si.share()));
                    } else if (item instanceof BatchReader.TreeItem ti) {
                        tally.admitted(admitPoolMessage(source, ti.method(), ti.params()));
                    } else {
                        throw new BadRequestException(((BatchReader.BadItem) item).reason());
                    }
                } catch (BadRequestException e) {
                    tally.failed(e.getMessage());
                }
            }
        }
        return tally.reply(source);
    }

    private Admit admitPoolMessage(String source, String cmd, ObjectNode params) throws BadRequestException {
        if (!isPoolMessage(cmd)) {
            throw new BadRequestException("not a pool message: '" + cmd + "'");
        }
        if (!source.equals(params.path("source").asText())) {
            throw new BadRequestException("message source differs from batch source");
        }
        return admitAndApply(cmd, params);
    }

    /** What one batch did, and its reply: counts, the first ten errors, and how far the source is durable. */
    private final class BatchTally {
        private int accepted;
        private int duplicates;
        private int failed;
        private final ArrayNode errors = mapper.createArrayNode();

        void admitted(Admit a) {
            if (a == Admit.ACCEPTED) {
                accepted++;
            } else {
                duplicates++;
            }
        }

        void failed(String why) {
            failed++;
            if (errors.size() < 10) {
                errors.add(why);
            }
        }

        ObjectNode reply(String source) {
            ObjectNode r = mapper.createObjectNode();
            r.put("accepted", accepted);
            r.put("duplicates", duplicates);
            r.put("failed", failed);
            r.put("durable", writer.durableSeq(source));
            r.set("errors", errors);
            return r;
        }
    }

    // ---- synchronous pool requests ----

    private Object authorise(ObjectNode p) throws BadRequestException {
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
                writer.enqueue(sql(null, -1, "INSERT INTO users (username) VALUES (?) ON CONFLICT DO NOTHING",
                        user));
            }
            if (!"active".equals(u.status)) {
                throw new BadRequestException("user " + user + " is " + u.status);
            }
            WorkerRecord w = u.workers.get(worker);
            if (w == null) {
                w = m.workerCreating(u, worker);
                writer.enqueue(sql(null, -1, "INSERT INTO workers (username, workername) VALUES (?, ?) "
                        + "ON CONFLICT DO NOTHING", user, worker));
            }
            w.lastAuthMillis = System.currentTimeMillis();
            writer.enqueue(sql(null, -1, "INSERT INTO auths (username, workername, clientid, useragent) "
                    + "VALUES (?, ?, ?, ?)", user, worker, clientId, agent));
            ObjectNode r = mapper.createObjectNode();
            r.put("username", user);
            r.put("workername", worker);
            r.put("difficultydefault", w.difficultyDefault);
            return r;
        }
    }

    private Object heartbeat(ObjectNode p) throws BadRequestException {
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
        r.put("dbdown", writer.databaseDown());
        return r;
    }

    // ---- admin ----

    private Object addUser(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        if (user.contains(".")) {
            throw new BadRequestException("username may not contain '.'");
        }
        String password = Fields.text(p, "password", MAX_PASSWORD);
        if (password.length() < 6) {
            throw new BadRequestException("password shorter than 6 characters");
        }
        String email = Fields.optText(p, "email", 256);
        String hash = new String(BCrypt.withDefaults().hash(BCRYPT_COST, password.toCharArray()),
                StandardCharsets.UTF_8);
        synchronized (adminLock) {
            synchronized (m) {
                UserRecord u = m.user(user);
                if (u != null && u.passwordHash != null) {
                    throw new BadRequestException("user " + user + " exists");
                }
            }
            writeNow("adduser", sql(null, -1, "INSERT INTO users (username, passwordhash, email) VALUES (?, ?, ?) "
                    + "ON CONFLICT (username) DO UPDATE SET passwordhash = EXCLUDED.passwordhash, "
                    + "email = EXCLUDED.email", user, hash, email));
            synchronized (m) {
                UserRecord u = m.userCreating(user);
                u.passwordHash = hash;
                u.email = email;
                u.createdMillis = System.currentTimeMillis();
            }
        }
        return "added " + user;
    }

    private Object userLogin(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        String password = Fields.text(p, "password", MAX_PASSWORD);
        String hash;
        synchronized (m) {
            UserRecord u = m.user(user);
            hash = u == null ? null : u.passwordHash;
        }
        if (hash == null || !BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified) {
            throw new BadRequestException("login failed");
        }
        return "login ok";
    }

    private Object setWorkerDiff(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        String worker = Fields.name(p, "workername");
        double diff = Fields.number(p, "difficultydefault");
        synchronized (adminLock) {
            requireUser(user);
            writeNow("setworkerdiff", sql(null, -1, "INSERT INTO workers (username, workername, difficultydefault) "
                    + "VALUES (?, ?, ?) ON CONFLICT (username, workername) DO UPDATE SET difficultydefault = "
                    + "EXCLUDED.difficultydefault", user, worker, diff));
            synchronized (m) {
                WorkerRecord w = m.workerCreating(m.userCreating(user), worker);
                w.difficultyDefault = diff;
                m.addDiffChange(user, worker, diff);
            }
        }
        return "difficultydefault " + diff;
    }

    private Object setAddresses(ObjectNode p) throws BadRequestException {
        String user = Fields.name(p, "username");
        JsonNode arr = p.get("addresses");
        if (arr == null || !arr.isArray() || arr.isEmpty() || arr.size() > 16) {
            throw new BadRequestException("field 'addresses' must be an array of 1 to 16 {address, ratio}");
        }
        List<AddressRatio> list = new ArrayList<>();
        for (JsonNode a : arr) {
            if (!(a instanceof ObjectNode o)) {
                throw new BadRequestException("each address must be {address, ratio}");
            }
            String address = Fields.name(o, "address");
            long ratio = Fields.integer(o, "ratio");
            if (ratio < 1 || ratio > 1_000_000) {
                throw new BadRequestException("ratio must be 1 to 1000000");
            }
            if (list.stream().anyMatch(x -> x.address().equals(address))) {
                throw new BadRequestException("address " + address + " listed twice");
            }
            list.add(new AddressRatio(address, (int) ratio));
        }
        synchronized (adminLock) {
            requireUser(user);
            List<AddressRatio> copy = List.copyOf(list);
            writeNow("setaddresses", c -> {
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
            });
            synchronized (m) {
                m.userCreating(user).addresses = list;
            }
        }
        return "addresses " + list.size();
    }

    private void requireUser(String user) throws BadRequestException {
        synchronized (m) {
            if (m.user(user) == null) {
                throw new BadRequestException("unknown user " + user);
            }
        }
    }

    /**
     * Commits an admin change in a transaction of its own before memory changes and the caller hears "ok", so an
     * acknowledged change survives a crash (these are rare, so they do not wait behind the share writer's queue).
     * Callers hold {@link #adminLock}, so admin changes reach the database and memory in the same order.
     */
    private void writeNow(String what, DbOp op) throws BadRequestException {
        try (java.sql.Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                op.execute(c);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            Log.err("%s", what + " not saved, database write failed: " + e.getMessage());
            throw new BadRequestException("database unavailable, " + what + " not saved");
        }
    }

    // ---- queries (memory only) ----

    private Object queryUsers() {
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (UserRecord u : m.users.values()) {
                arr.add(userJson(u, false));
            }
        }
        return arr;
    }

    private Object queryUser(ObjectNode p) throws BadRequestException {
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

    private Object queryWorkers(ObjectNode p) throws BadRequestException {
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

    private Object queryBlocks() {
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

    private Object queryPayouts(ObjectNode p) throws BadRequestException {
        String hash = p.has("blockhash") ? blockHash(p) : null;
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

    private Object queryPool() {
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
        o.put("db_pending_writes", writer.pending());
        o.put("db_lag_ms", writer.lagMillis());
        o.put("db_down", writer.databaseDown());
        return o;
    }

    private Object querySources() {
        ArrayNode arr = mapper.createArrayNode();
        synchronized (m) {
            for (SourceState s : m.sources.values()) {
                arr.addObject().put("source", s.source).put("lastseq", s.lastSeq)
                        .put("durable", writer.durableSeq(s.source)).put("duplicates", s.duplicates)
                        .put("gaps", s.gaps).put("missing", s.missing);
            }
        }
        return arr;
    }

    // ---- helpers ----

    /** An op running one parameterised statement. */
    static DbOp sql(String source, long seq, String statement, Object... args) {
        return new DbOp.OfMessage(source, seq) {
            @Override
            public void execute(java.sql.Connection c) throws SQLException {
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setObject(i + 1, args[i]);
                    }
                    ps.executeUpdate();
                }
            }
        };
    }

    /** Waits until everything accepted so far is committed (tests, orderly shutdown). */
    public boolean awaitDurable(long timeoutMillis) throws InterruptedException {
        return writer.awaitIdle(timeoutMillis);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
