package org.jckpool.stratifier.ckdb;

import org.jckpool.stratifier.share.SolutionOutcome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.stats.RateWindow;
import org.jckpool.stratifier.stats.ShareTally;
import org.jckpool.stratifier.stats.StatusFiles;
import org.jckpool.stratifier.work.WorkBase;

/**
 * The bodies of the pool messages (docs/INTERNALS.md "stratifier ↔ ckdb"); CkdbClient adds source and seq.
 * {@code workinfoid} is the work base id, {@code workername} the full name the miner authorised with,
 * {@code createdate} ckpool's "sec,nsec".
 */
public final class CkdbMessages {
    private CkdbMessages() {
    }

    /** A new work base (every template, not only new blocks). */
    public static ObjectNode workinfo(WorkBase base, String poolInstance) {
        ObjectNode p = Json.object();
        p.put("workinfoid", base.id());
        p.put("poolinstance", poolInstance);
        p.put("height", base.height());
        p.put("prevhash", Hex.toRpc(base.template().prevHash()));
        p.put("version", String.format("%08x", base.template().version()));
        p.put("bits", String.format("%08x", base.template().bits()));
        p.put("ntime", String.format("%08x", base.template().curtime()));
        p.put("reward", base.template().coinbaseValue());
        p.put("transactions", base.template().txCount());
        p.put("createdate", createdate(base.createdMillis()));
        return p;
    }

    /** An accepted share: {@code diff} is the difficulty it is credited at, {@code sdiff} what its hash reached. */
    public static ObjectNode share(ClientSession s, ShareResult r, long nowMillis) {
        ObjectNode p = who(s, r);
        p.put("diff", r.assignedDiff());
        p.put("sdiff", r.shareDiff());
        p.put("createdate", createdate(nowMillis));
        return p;
    }

    /** A refused share of an authorised worker: ckpool's error number and the reject reason. */
    public static ObjectNode shareError(ClientSession s, ShareResult r, long nowMillis) {
        ObjectNode p = who(s, r);
        p.put("diff", r.assignedDiff());
        p.put("sdiff", r.shareDiff());
        p.put("errn", r.reason().code);
        p.put("error", r.reason().rejectReason);
        p.put("createdate", createdate(nowMillis));
        return p;
    }

    /** A share that solved a block (sent after the share itself, so the block's PPLNS window includes it). */
    public static ObjectNode block(ClientSession s, ShareResult r, long nowMillis) {
        ObjectNode p = who(s, r);
        WorkBase base = r.job().base();
        p.put("blockhash", r.blockHash());
        p.put("height", base.height());
        p.put("reward", base.template().coinbaseValue());
        p.put("netdiff", base.networkDiff());
        if (r.solution() != null && r.solution() != SolutionOutcome.SUBMITTED) {
            p.put("status", r.solution().label()); // never submitted: stale or duplicate-height, no payouts
        }
        p.put("createdate", createdate(nowMillis));
        return p;
    }

    public static ObjectNode blockStatus(String blockhash, String status) {
        ObjectNode p = Json.object();
        p.put("blockhash", blockhash);
        p.put("status", status);
        return p;
    }

    /** Pool stats of the minute: hashrates (H/s), connection counts and share totals. */
    public static ObjectNode poolStats(String poolInstance, ShareTally pool, StatusFiles.PoolCounts counts,
                                       long startedMillis, long nowMillis) {
        ObjectNode p = Json.object();
        p.put("poolinstance", poolInstance);
        p.put("elapsed", Math.max(0, (nowMillis - startedMillis) / 1000));
        p.put("users", counts.users());
        p.put("workers", counts.workers());
        p.put("idle", counts.idle());
        tally(p, pool, nowMillis);
        p.put("createdate", createdate(nowMillis));
        return p;
    }

    public static ObjectNode userStats(String poolInstance, String user, ShareTally t, long nowMillis) {
        ObjectNode p = Json.object();
        p.put("poolinstance", poolInstance);
        p.put("username", user);
        tally(p, t, nowMillis);
        p.put("createdate", createdate(nowMillis));
        return p;
    }

    public static ObjectNode workerStats(String poolInstance, String user, String worker, ShareTally t,
                                         long nowMillis) {
        ObjectNode p = userStats(poolInstance, user, t, nowMillis);
        p.put("workername", worker);
        return p;
    }

    private static void tally(ObjectNode p, ShareTally t, long nowMillis) {
        for (RateWindow w : RateWindow.values()) {
            p.put(w.hashrateKey(), t.hashrate(w, nowMillis, true));
        }
        p.put("accepted", t.acceptedDiff());
        p.put("shares", t.acceptedCount());
        p.put("rejected", t.rejectedDiff());
        p.put("rejects", t.rejectedCount());
        p.put("bestshare", t.bestShare());
        p.put("lastshare", t.lastShareMillis() / 1000);
    }

    private static ObjectNode who(ClientSession s, ShareResult r) {
        ObjectNode p = Json.object();
        p.put("username", s.userName());
        p.put("workername", s.workerName());
        if (r.job() != null) {
            p.put("workinfoid", r.job().base().id());
        }
        p.put("clientid", s.clientId);
        p.put("enonce1", s.extranonce1Hex());
        return p;
    }

    /** ckpool's "sec,nsec". */
    static String createdate(long millis) {
        return Math.floorDiv(millis, 1000) + "," + Math.floorMod(millis, 1000) * 1_000_000L;
    }
}
