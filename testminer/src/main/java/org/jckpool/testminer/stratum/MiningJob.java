package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;

/**
 * The nine values of a mining.notify, decoded (docs/PROTOCOL.md §1.3): prevhash back to internal order, coinbase
 * halves and branch as raw bytes, version/nbits/ntime as the unsigned 32-bit numbers their BE hex denotes.
 */
public record MiningJob(String jobId, String prevHashNotifyHex, byte[] prevHash, byte[] coinb1, byte[] coinb2,
                        List<byte[]> merkleBranch, long version, long nbits, long ntime, boolean cleanJobs) {

    /** Largest coinbase half we accept; a real coinbase is a few hundred bytes. */
    private static final int MAX_COINBASE_PART = 100_000;
    private static final int MAX_BRANCH = 32;

    public static MiningJob fromNotifyParams(ArrayNode p) throws MalformedMessageException {
        if (p.size() < 9) {
            throw new MalformedMessageException("mining.notify needs 9 params, got " + p.size());
        }
        String jobId = text(p, 0, "job_id");
        if (jobId.isEmpty()) {
            throw new MalformedMessageException("mining.notify job_id is empty");
        }
        String prevHex = text(p, 1, "prevhash");
        byte[] prev;
        try {
            prev = StratumEncoding.parsePrevHash(prevHex);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("mining.notify prevhash: " + e.getMessage());
        }
        byte[] coinb1 = hex(p, 2, "coinb1");
        byte[] coinb2 = hex(p, 3, "coinb2");
        JsonNode branchNode = p.get(4);
        if (!branchNode.isArray()) {
            throw new MalformedMessageException("mining.notify merkle_branch is not an array");
        }
        if (branchNode.size() > MAX_BRANCH) {
            throw new MalformedMessageException("mining.notify merkle_branch has " + branchNode.size() + " entries");
        }
        List<byte[]> branch = new ArrayList<>(branchNode.size());
        for (JsonNode b : branchNode) {
            if (!b.isTextual() || b.asText().length() != 64 || !Hex.isHex(b.asText())) {
                throw new MalformedMessageException("mining.notify merkle_branch entry is not 64 hex digits: " + b);
            }
            branch.add(Hex.decode(b.asText()));
        }
        long version = hex32(p, 5, "version");
        long nbits = hex32(p, 6, "nbits");
        long ntime = hex32(p, 7, "ntime");
        JsonNode clean = p.get(8);
        if (!clean.isBoolean()) {
            throw new MalformedMessageException("mining.notify clean_jobs is not a boolean: " + clean);
        }
        return new MiningJob(jobId, prevHex.toLowerCase(), prev, coinb1, coinb2, Collections.unmodifiableList(branch),
                version, nbits, ntime, clean.asBoolean());
    }

    private static String text(ArrayNode p, int i, String name) throws MalformedMessageException {
        JsonNode n = p.get(i);
        if (!n.isTextual()) {
            throw new MalformedMessageException("mining.notify " + name + " is not a string: " + n);
        }
        return n.asText();
    }

    private static byte[] hex(ArrayNode p, int i, String name) throws MalformedMessageException {
        String s = text(p, i, name);
        if (!Hex.isHex(s)) {
            throw new MalformedMessageException("mining.notify " + name + " is not hex");
        }
        if (s.length() / 2 > MAX_COINBASE_PART) {
            throw new MalformedMessageException("mining.notify " + name + " is too long (" + s.length() / 2 + " bytes)");
        }
        return Hex.decode(s);
    }

    private static long hex32(ArrayNode p, int i, String name) throws MalformedMessageException {
        String s = text(p, i, name);
        try {
            return StratumEncoding.parseHex32(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("mining.notify " + name + ": " + e.getMessage());
        }
    }
}
