package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import org.jckpool.libpool.bitcoin.StratumEncoding;

/** Request lines a miner sends, with the parameter encodings of docs/PROTOCOL.md §1.2 and §1.3. */
public final class StratumRequests {
    private StratumRequests() {
    }

    /** BIP310 mining.configure asking for version rolling with the given mask and minimum bit count. */
    public static String configureVersionRolling(long id, long mask, int minBitCount) {
        ArrayNode params = StratumMessage.array();
        params.addArray().add("version-rolling");
        ObjectNode ext = params.addObject();
        ext.put("version-rolling.mask", StratumEncoding.hex32(mask));
        ext.put("version-rolling.min-bit-count", minBitCount);
        return StratumMessage.request(id, "mining.configure", params);
    }

    /** mining.subscribe with the user agent and, when resuming, the session id of an earlier connection. */
    public static String subscribe(long id, String agent, String sessionId) {
        ArrayNode params = StratumMessage.array();
        params.add(agent);
        if (sessionId != null && !sessionId.isEmpty()) {
            params.add(sessionId);
        }
        return StratumMessage.request(id, "mining.subscribe", params);
    }

    public static String extranonceSubscribe(long id) {
        return StratumMessage.request(id, "mining.extranonce.subscribe", StratumMessage.array());
    }

    public static String authorize(long id, String user, String password) {
        ArrayNode params = StratumMessage.array();
        params.add(user);
        params.add(password);
        return StratumMessage.request(id, "mining.authorize", params);
    }

    /** mining.suggest_difficulty with a plain decimal number (fractions allowed). */
    public static String suggestDifficulty(long id, double difficulty) {
        ArrayNode params = StratumMessage.array();
        params.add(BigDecimal.valueOf(difficulty));
        return StratumMessage.request(id, "mining.suggest_difficulty", params);
    }

    /**
     * mining.submit: extranonce2 is the raw-bytes hex, ntime and nonce 8-hex BE, version_bits (8-hex BE) only when
     * version rolling is on (pass null otherwise).
     */
    public static String submit(long id, String worker, String jobId, String extranonce2Hex, long ntime, long nonce,
                                Long versionBits) {
        StringBuilder b = new StringBuilder(128 + worker.length() + jobId.length() + extranonce2Hex.length());
        b.append("{\"id\":").append(id).append(submitMiddle(worker, jobId));
        quoted(b, extranonce2Hex).append(',');
        quoted(b, StratumEncoding.hex32(ntime)).append(',');
        quoted(b, StratumEncoding.hex32(nonce));
        if (versionBits != null) {
            quoted(b.append(','), StratumEncoding.hex32(versionBits));
        }
        return b.append("]}").toString();
    }

    /**
     * What a submit line holds between its id and its extranonce2: {@code ,"method":"mining.submit","params":[
     * "worker","job",} (the load mode builds it once per job and writes the rest of each submit as bytes).
     */
    public static String submitMiddle(String worker, String jobId) {
        StringBuilder b = new StringBuilder(64 + worker.length() + jobId.length());
        b.append(",\"method\":\"mining.submit\",\"params\":[");
        quoted(b, worker).append(',');
        return quoted(b, jobId).append(',').toString();
    }

    private static StringBuilder quoted(StringBuilder b, String s) {
        b.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"');
    }
}
