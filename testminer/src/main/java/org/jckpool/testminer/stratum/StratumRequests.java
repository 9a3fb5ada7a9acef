package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.jckpool.libpool.bitcoin.StratumEncoding;

/**
 * mining.submit lines, with the parameter encodings of docs/PROTOCOL.md §1.2 and §1.3, built without a JSON tree
 * (the load mode sends tens of thousands a second); the handshake is libpool's {@code StratumClientSession}.
 */
public final class StratumRequests {
    private StratumRequests() {
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
