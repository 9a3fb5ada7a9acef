package org.jckpool.ckdb.store;

import java.sql.Timestamp;

/**
 * The writes of pool messages and pool requests, each an op for the {@link DbWriter}'s queue. Every statement is
 * idempotent where the message is sequenced (a resent message changes nothing), and (source, seq) ride along so
 * the writer records how far each source is committed.
 */
public final class PoolWrites {
    private PoolWrites() {
    }

    /** A share rejected by the pool; the reject counts in worker_totals only when the row is new. */
    public static DbOp shareError(String source, long seq, long workinfoId, String user, String worker, double diff,
                                  int errn, String error, long createdMillis) {
        return new Statement(source, seq, "WITH ins AS (INSERT INTO sharerrors (source, seq, workinfoid, username, "
                + "workername, diff, errn, error, createdate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                + "RETURNING username, workername, createdate) INSERT INTO worker_totals (username, workername, "
                + "rejects, lastshare) SELECT username, workername, 1, createdate FROM ins ON CONFLICT (username, "
                + "workername) DO UPDATE SET rejects = worker_totals.rejects + 1, lastshare = "
                + "GREATEST(worker_totals.lastshare, EXCLUDED.lastshare)",
                source, seq, workinfoId, user, worker, diff, errn, error, new Timestamp(createdMillis));
    }

    public static DbOp workinfo(String source, long seq, long id, long height, String prevhash, String bits,
                                String ntime, long reward, long createdMillis) {
        return new Statement(source, seq, "INSERT INTO workinfo (workinfoid, height, prevhash, bits, ntime, reward, "
                + "createdate) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                id, height, prevhash, bits, ntime, reward, new Timestamp(createdMillis));
    }

    public static DbOp block(String source, long seq, String hash, long height, long workinfoId, String user,
                             String worker, long reward, double netdiff, long shareIdEnd, String status,
                             long createdMillis) {
        return new Statement(source, seq, "INSERT INTO blocks (blockhash, height, workinfoid, username, workername, "
                + "reward, netdiff, shareid_end, status, createdate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", hash, height, workinfoId, user, worker, reward, netdiff, shareIdEnd,
                status, new Timestamp(createdMillis));
    }

    /** source null: a status set by an operator or the chain poller. */
    public static DbOp blockStatus(String source, long seq, String hash, String status) {
        return new Statement(source, seq, "UPDATE blocks SET status = ?, statusdate = now() WHERE blockhash = ?",
                status, hash);
    }

    public static DbOp payoutStatus(String hash, String status) {
        return new Statement(null, -1, "UPDATE payouts SET status = ? WHERE blockhash = ?", status, hash);
    }

    public static DbOp poolStats(String source, long seq, long createdMillis, String statsJson) {
        return new Statement(source, seq, "INSERT INTO poolstats (source, createdate, stats) VALUES (?, ?, ?::jsonb)",
                source, new Timestamp(createdMillis), statsJson);
    }

    public static DbOp userStats(String source, long seq, String user, long createdMillis, String statsJson) {
        return new Statement(source, seq, "INSERT INTO userstats (username, createdate, stats) VALUES (?, ?, "
                + "?::jsonb)", user, new Timestamp(createdMillis), statsJson);
    }

    public static DbOp workerStats(String source, long seq, String user, String worker, long createdMillis,
                                   String statsJson) {
        return new Statement(source, seq, "INSERT INTO workerstats (username, workername, createdate, stats) "
                + "VALUES (?, ?, ?, ?::jsonb)", user, worker, new Timestamp(createdMillis), statsJson);
    }

    /** A user first seen in an authorisation (auto-added). */
    public static DbOp newUser(String user) {
        return new Statement(null, -1, "INSERT INTO users (username) VALUES (?) ON CONFLICT DO NOTHING", user);
    }

    public static DbOp newWorker(String user, String worker) {
        return new Statement(null, -1, "INSERT INTO workers (username, workername) VALUES (?, ?) "
                + "ON CONFLICT DO NOTHING", user, worker);
    }

    public static DbOp auth(String user, String worker, long clientId, String agent) {
        return new Statement(null, -1, "INSERT INTO auths (username, workername, clientid, useragent) "
                + "VALUES (?, ?, ?, ?)", user, worker, clientId, agent);
    }
}
