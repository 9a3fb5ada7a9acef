package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.work.CoinbaseParts;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.Template;
import org.jckpool.stratifier.work.WorkBase;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a pool sends its mining nodes, in ckpool's forms (docs/PROTOCOL.md 1.1.2): no {@code client_id}
 * (they are for the node itself, not one of its miners) and the kind in {@code "node.method"}.
 * <ul>
 *   <li>{@code {"transaction":[{"hash","data"}…],"node.method":"transactions"}}: raw transactions the node may
 *       not have yet ({@code hash} is getblocktemplate's {@code hash}, the wtxid);</li>
 *   <li>{@code {"jobid",…,"coinb2","node.method":"workinfo"}}: one job, with the fields and the order of ckpool's
 *       {@code send_node_workinfo}; {@code txn_hashes} are the txids in RPC order, each followed by a space.</li>
 * </ul>
 */
public final class NodeMessages {
    public static final String NODE_METHOD = "node.method";
    public static final String WORKINFO = "workinfo";
    public static final String TRANSACTIONS = "transactions";
    public static final String BLOCK = "block";

    /** One template transaction: getblocktemplate's {@code hash} (wtxid), {@code txid} and {@code data}. */
    public record Txn(String hash, String txid, String data) {
    }

    private NodeMessages() {
    }

    /** The template's transactions in template order. */
    public static List<Txn> txnsOf(JsonNode template) {
        List<Txn> out = new ArrayList<>();
        for (JsonNode tx : template.path("transactions")) {
            String txid = tx.path("txid").asText("");
            String hash = tx.path("hash").asText(txid);
            out.add(new Txn(hash, txid, tx.path("data").asText("")));
        }
        return out;
    }

    /**
     * About the most transaction hex one {@code transactions} message carries: a line must stay under the
     * connector's 1 MiB queue per client and a node's 1 MiB line cap (a node adds each message's transactions),
     * and {@link LinkPacer} lets its budget plus one message at most wait in that queue.
     */
    public static final int TRANSACTIONS_CHUNK = 128 * 1024;

    /** The transactions as messages of at most about {@link #TRANSACTIONS_CHUNK} bytes of data each (one at least). */
    public static List<String> transactionsChunks(List<Txn> txns) {
        List<String> out = new ArrayList<>();
        List<Txn> chunk = new ArrayList<>();
        long bytes = 0;
        for (Txn t : txns) {
            if (!chunk.isEmpty() && bytes + t.data().length() > TRANSACTIONS_CHUNK) {
                out.add(transactions(chunk));
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(t);
            bytes += t.data().length() + t.hash().length() + 20;
        }
        if (!chunk.isEmpty() || out.isEmpty()) {
            out.add(transactions(chunk));
        }
        return out;
    }

    public static String transactions(List<Txn> txns) {
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("transaction");
        for (Txn t : txns) {
            arr.addObject().put("hash", t.hash()).put("data", t.data());
        }
        o.put(NODE_METHOD, TRANSACTIONS);
        return Json.write(o);
    }

    /** The workinfo of a job paying {@code payoutScript} (the pool's coinbase, as every miner of a node gets). */
    public static String workinfo(Job job, byte[] payoutScript, String flags) {
        WorkBase base = job.base();
        Template t = base.template();
        CoinbaseParts cb = base.payout(payoutScript).coinbase();
        ObjectNode o = Json.object();
        o.put("jobid", job.id());
        o.put("target", targetHex(t.networkTarget()));
        o.put("diff", base.networkDiff());
        o.put("version", t.version());
        o.put("curtime", t.curtime());
        o.put("prevhash", StratumEncoding.prevHash(t.prevHash()));
        o.put("ntime", StratumEncoding.hex32(t.curtime()));
        o.put("bbversion", StratumEncoding.hex32(t.version() & 0xffffffffL));
        o.put("nbit", StratumEncoding.hex32(t.bits()));
        o.put("coinbasevalue", t.coinbaseValue());
        o.put("height", t.height());
        o.put("flags", flags);
        o.put("txns", t.txCount());
        StringBuilder hashes = new StringBuilder(t.txCount() * 65);
        for (byte[] txid : t.txids()) {
            hashes.append(Hex.toRpc(txid)).append(' ');
        }
        o.put("txn_hashes", hashes.toString());
        o.put("merkles", base.branchCount());
        ArrayNode merkle = o.putArray("merklehash");
        byte[] branch = base.branchFlat();
        for (int i = 0; i < base.branchCount(); i++) {
            merkle.add(Hex.encode(branch, i * 32, 32));
        }
        o.put("coinb1", cb.coinb1Hex());
        o.put("enonce1varlen", base.config().nonce1Length());
        o.put("enonce2varlen", base.config().nonce2Length());
        o.put("coinb1len", cb.coinb1().length);
        o.put("coinb2len", cb.coinb2().length);
        o.put("coinb2", cb.coinb2Hex());
        o.put(NODE_METHOD, WORKINFO);
        return Json.write(o);
    }

    /**
     * ckpool's {@code block} message (its send_node_block): a share of {@code job} that solved a block, for the nodes
     * to rebuild and submit. {@code version} is jckpool's addition, present only when BIP310 bits changed the job's
     * version (ckpool's form has none; a ckpool node ignores it).
     */
    public static String block(String enonce1, String nonce, String nonce2, long ntime, Job job, double diff,
                               long version) {
        ObjectNode o = Json.object();
        o.put(NODE_METHOD, BLOCK);
        o.put("enonce1", enonce1);
        o.put("nonce", nonce);
        o.put("nonce2", nonce2);
        o.put("ntime32", ntime);
        o.put("jobid", job.id());
        o.put("diff", diff);
        if (version != (job.base().template().version() & 0xffffffffL)) {
            o.put("version", StratumEncoding.hex32(version));
        }
        return Json.write(o);
    }

    /** A target as 64 hex digits, big-endian (getblocktemplate's {@code target}). */
    static String targetHex(BigInteger target) {
        String h = target.toString(16);
        return "0".repeat(Math.max(0, 64 - h.length())) + h;
    }
}
