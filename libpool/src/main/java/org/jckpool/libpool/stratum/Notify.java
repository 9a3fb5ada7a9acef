package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;

import java.util.ArrayList;
import java.util.List;

/**
 * The params of {@code mining.notify}, as text exactly as the pool sent them:
 * {@code [job_id, prevhash, coinb1, coinb2, [branch…], version, nbits, ntime, clean_jobs]}.
 */
public record Notify(String jobId, String prevHash, String coinb1, String coinb2, List<String> branch,
                     String version, String nbits, String ntime, boolean clean) {

    public static Notify parse(StratumMessage m) {
        return parse(m.paramsNode());
    }

    public static Notify parse(JsonNode p) {
        if (p == null || !p.isArray() || p.size() < 9) {
            throw new StratumProtocolException("mining.notify needs 9 params: " + p);
        }
        List<String> branch = new ArrayList<>();
        if (!p.get(4).isArray()) {
            throw new StratumProtocolException("mining.notify merkle branch is not an array");
        }
        for (JsonNode b : p.get(4)) {
            branch.add(hex(b.asText(), 64, "merkle branch"));
        }
        return new Notify(text(p.get(0), "job id"), hex(p.get(1).asText(), 64, "prevhash"),
                hex(p.get(2).asText(), -1, "coinb1"), hex(p.get(3).asText(), -1, "coinb2"), List.copyOf(branch),
                hex(p.get(5).asText(), 8, "version"), hex(p.get(6).asText(), 8, "nbits"),
                hex(p.get(7).asText(), 8, "ntime"), p.get(8).asBoolean(false));
    }

    private static String text(JsonNode n, String what) {
        String s = n.isNumber() ? n.asText() : n.isTextual() ? n.asText() : null;
        if (s == null || s.isEmpty()) {
            throw new StratumProtocolException("mining.notify " + what + " missing");
        }
        return s;
    }

    private static String hex(String s, int digits, String what) {
        if (!Hex.isHex(s) || (s.length() & 1) != 0 || (digits > 0 && s.length() != digits)) {
            throw new StratumProtocolException("mining.notify " + what + " is not " + (digits > 0 ? digits + " " : "")
                    + "hex digits: " + StratumCodec.abbreviate(s));
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
