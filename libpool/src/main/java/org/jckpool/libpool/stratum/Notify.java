package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The params of {@code mining.notify}, as text exactly as the pool sent them (hex in lower case):
 * {@code [job_id, prevhash, coinb1, coinb2, [branch…], version, nbits, ntime, clean_jobs]}.
 */
public record Notify(String jobId, String prevHash, String coinb1, String coinb2, List<String> branch,
                     String version, String nbits, String ntime, boolean clean) {

    /** Reads a notify's params; throws {@link StratumProtocolException} naming the first field that is wrong. */
    public static Notify parse(StratumMessage m) {
        if (m.paramCount() < 9) {
            throw new StratumProtocolException("mining.notify needs 9 params, got " + m.paramCount());
        }
        Object id = m.param(0);
        String jobId = id instanceof String s ? s : id instanceof Number ? String.valueOf(id) : null;
        if (jobId == null || jobId.isEmpty()) {
            throw new StratumProtocolException("mining.notify job id missing");
        }
        if (!(m.param(4) instanceof JsonNode b) || !b.isArray()) {
            throw new StratumProtocolException("mining.notify merkle branch is not an array");
        }
        List<String> branch = new ArrayList<>(b.size());
        for (JsonNode e : b) {
            branch.add(hex(e.isTextual() ? e.asText() : null, 64, "merkle branch"));
        }
        if (!(m.param(8) instanceof Boolean clean)) {
            throw new StratumProtocolException("mining.notify clean_jobs is not a boolean: " + m.param(8));
        }
        return new Notify(jobId, hex(m.string(1), 64, "prevhash"), hex(m.string(2), -1, "coinb1"),
                hex(m.string(3), -1, "coinb2"), List.copyOf(branch), hex(m.string(5), 8, "version"),
                hex(m.string(6), 8, "nbits"), hex(m.string(7), 8, "ntime"), clean);
    }

    private static String hex(String s, int digits, String what) {
        if (s == null || !Hex.isHex(s) || (s.length() & 1) != 0 || (digits > 0 && s.length() != digits)) {
            throw new StratumProtocolException("mining.notify " + what + " is not " + (digits > 0 ? digits + " " : "")
                    + "hex digits: " + (s == null ? "not a string" : StratumCodec.abbreviate(s)));
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
