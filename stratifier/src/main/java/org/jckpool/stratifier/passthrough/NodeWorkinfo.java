package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.stratifier.work.WorkBase;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code workinfo} from the upstream pool (ckpool's form, docs/PROTOCOL.md 1.1.2): what a node needs to rebuild
 * a block from a share on that job. The header fields are in Stratum's text forms, as in {@code mining.notify}.
 *
 * @param txids RPC-order txids of the block's transactions after the coinbase
 */
record NodeWorkinfo(long jobId, long height, long version, byte[] prevHash, long bits, long ntime, byte[] coinb1,
                    byte[] coinb2, int enonce1Length, int enonce2Length, List<byte[]> branch, List<String> txids,
                    byte[] networkTargetLE) {

    /** Parses a workinfo; throws {@link IllegalArgumentException} naming the field that is missing or wrong. */
    static NodeWorkinfo parse(JsonNode o) {
        long jobId = integer(o, "jobid");
        long height = integer(o, "height");
        long version = hex32(o, "bbversion");
        byte[] prev = StratumEncoding.parsePrevHash(text(o, "prevhash"));
        long bits = hex32(o, "nbit");
        long ntime = hex32(o, "ntime");
        byte[] coinb1 = hex(o, "coinb1");
        byte[] coinb2 = hex(o, "coinb2");
        int e1 = (int) integer(o, "enonce1varlen");
        int e2 = (int) integer(o, "enonce2varlen");
        if (e1 < 0 || e1 > 32 || e2 < 1 || e2 > 32) {
            throw new IllegalArgumentException("enonce1varlen " + e1 + " / enonce2varlen " + e2 + " out of range");
        }
        List<byte[]> branch = new ArrayList<>();
        JsonNode merkle = o.path("merklehash");
        if (!merkle.isArray()) {
            throw new IllegalArgumentException("merklehash is not an array");
        }
        for (JsonNode m : merkle) {
            byte[] b = Hex.decode(m.asText(""));
            if (b.length != 32) {
                throw new IllegalArgumentException("merklehash entry \"" + m.asText() + "\" is not 32 bytes");
            }
            branch.add(b);
        }
        long txns = integer(o, "txns");
        List<String> txids = new ArrayList<>();
        for (String h : o.path("txn_hashes").asText("").trim().split("\\s+")) {
            if (h.isEmpty()) {
                continue;
            }
            if (h.length() != 64 || !Hex.isHex(h)) {
                throw new IllegalArgumentException("txn_hashes entry \"" + h + "\" is not a 64-digit hash");
            }
            txids.add(h.toLowerCase());
        }
        if (txids.size() != txns) {
            throw new IllegalArgumentException("txns " + txns + " but " + txids.size() + " txn_hashes");
        }
        byte[] target = WorkBase.littleEndian32(Target.fromCompact(bits));
        return new NodeWorkinfo(jobId, height, version, prev, bits, ntime, coinb1, coinb2, e1, e2,
                List.copyOf(branch), List.copyOf(txids), target);
    }

    private static JsonNode field(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return v;
    }

    private static long integer(JsonNode o, String key) {
        JsonNode v = field(o, key);
        if (!v.canConvertToLong()) {
            throw new IllegalArgumentException(key + " is not an integer: " + v);
        }
        return v.asLong();
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = field(o, key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + " is not a string: " + v);
        }
        return v.asText();
    }

    private static long hex32(JsonNode o, String key) {
        return StratumEncoding.parseHex32(text(o, key));
    }

    private static byte[] hex(JsonNode o, String key) {
        String s = text(o, key);
        if ((s.length() & 1) != 0 || !Hex.isHex(s)) {
            throw new IllegalArgumentException(key + " is not hex");
        }
        return Hex.decode(s);
    }
}
