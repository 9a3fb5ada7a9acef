package org.jckpool.testminer.stratum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumProtocolException;

/**
 * The nine values of a mining.notify, decoded (docs/PROTOCOL.md §1.3): prevhash back to internal order, coinbase
 * halves and branch as raw bytes, version/nbits/ntime as the unsigned 32-bit numbers their BE hex denotes.
 */
public record MiningJob(String jobId, String prevHashNotifyHex, byte[] prevHash, byte[] coinb1, byte[] coinb2,
                        List<byte[]> merkleBranch, long version, long nbits, long ntime, boolean cleanJobs) {

    /** Largest coinbase half we accept; a real coinbase is a few hundred bytes. */
    private static final int MAX_COINBASE_PART = 100_000;
    private static final int MAX_BRANCH = 32;

    /** Decodes a notify libpool has read; throws {@link StratumProtocolException} for what a miner cannot use. */
    public static MiningJob from(Notify n) {
        byte[] prev;
        try {
            prev = StratumEncoding.parsePrevHash(n.prevHash());
        } catch (IllegalArgumentException e) {
            throw new StratumProtocolException("mining.notify prevhash: " + e.getMessage());
        }
        if (n.branch().size() > MAX_BRANCH) {
            throw new StratumProtocolException("mining.notify merkle_branch has " + n.branch().size() + " entries");
        }
        List<byte[]> branch = new ArrayList<>(n.branch().size());
        for (String b : n.branch()) {
            branch.add(Hex.decode(b));
        }
        return new MiningJob(n.jobId(), n.prevHash(), prev, coinbasePart(n.coinb1(), "coinb1"),
                coinbasePart(n.coinb2(), "coinb2"), Collections.unmodifiableList(branch), n32(n.version(), "version"),
                n32(n.nbits(), "nbits"), n32(n.ntime(), "ntime"), n.clean());
    }

    private static byte[] coinbasePart(String hex, String name) {
        if (hex.length() / 2 > MAX_COINBASE_PART) {
            throw new StratumProtocolException("mining.notify " + name + " is too long (" + hex.length() / 2 + " bytes)");
        }
        return Hex.decode(hex);
    }

    private static long n32(String hex, String name) {
        try {
            return StratumEncoding.parseHex32(hex);
        } catch (IllegalArgumentException e) {
            throw new StratumProtocolException("mining.notify " + name + ": " + e.getMessage());
        }
    }
}
