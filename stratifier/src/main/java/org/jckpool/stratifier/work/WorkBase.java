package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;

import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Work built from one template: merkle branch, cached header fields, notify text, block body, and the coinbase
 * for each payout script (one for the pool; one per user in solo mode). Immutable apart from its caches and
 * the set of share hashes already seen (duplicates are keyed per work base and dropped with it).
 */
public final class WorkBase {
    private final long id;
    private final Template template;
    private final WorkConfig config;
    private final long createdMillis;
    private final byte[] branchFlat;
    private final int branchCount;
    private final String branchJson;
    private final String prevHashNotify;
    private final String versionHex;
    private final String bitsHex;
    private final String ntimeHex;
    private final byte[] networkTargetLE;
    private final double networkDiff;
    private final ConcurrentMap<String, Payout> payouts = new ConcurrentHashMap<>();
    private final SeenShares seen = new SeenShares();
    private final UpstreamJob upstream;
    private final Payout fixedPayout;

    /** Coinbase and notify text for one payout script. */
    public record Payout(CoinbaseParts coinbase, String notifyTail, String notifyTailClean) {
    }

    public WorkBase(long id, Template template, WorkConfig config, long createdMillis) {
        this(id, template, config, createdMillis, Merkle.coinbaseBranch(template.txids()), null, null);
    }

    /**
     * Proxy-mode work from an upstream's notify: the branch as the upstream gave it and one coinbase for everyone
     * ({@code coinb1} already ends with the upstream's extranonce1 and any padding; the miners' extranonce1 and
     * extranonce2 follow).
     */
    public static WorkBase upstream(long id, Template template, WorkConfig config, long createdMillis,
                                    List<byte[]> branch, CoinbaseParts coinbase, UpstreamJob job) {
        return new WorkBase(id, template, config, createdMillis, branch, coinbase, job);
    }

    private WorkBase(long id, Template template, WorkConfig config, long createdMillis, List<byte[]> branch,
                     CoinbaseParts fixedCoinbase, UpstreamJob upstream) {
        this.id = id;
        this.template = template;
        this.config = config;
        this.createdMillis = createdMillis;
        this.upstream = upstream;
        branchCount = branch.size();
        branchFlat = new byte[branchCount * 32];
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < branchCount; i++) {
            System.arraycopy(branch.get(i), 0, branchFlat, i * 32, 32);
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(Hex.encode(branch.get(i))).append('"');
        }
        branchJson = sb.append(']').toString();
        prevHashNotify = StratumEncoding.prevHash(template.prevHash());
        versionHex = StratumEncoding.hex32(template.version() & 0xffffffffL);
        bitsHex = StratumEncoding.hex32(template.bits());
        ntimeHex = StratumEncoding.hex32(template.curtime());
        networkTargetLE = littleEndian32(template.networkTarget());
        networkDiff = Target.difficultyOf(template.networkTarget());
        fixedPayout = fixedCoinbase == null ? null : payoutOf(fixedCoinbase);
    }

    /** The upstream job this base was made from (proxy mode), or null for work from a template. */
    public UpstreamJob upstream() {
        return upstream;
    }

    private Payout payoutOf(CoinbaseParts cb) {
        String tail = "\",\"" + prevHashNotify + "\",\"" + cb.coinb1Hex() + "\",\"" + cb.coinb2Hex() + "\","
                + branchJson + ",\"" + versionHex + "\",\"" + bitsHex + "\",\"" + ntimeHex + "\",";
        return new Payout(cb, tail + "false]}", tail + "true]}");
    }

    /** The coinbase and notify text paying {@code payoutScript}, built once per script. */
    public Payout payout(byte[] payoutScript) {
        if (fixedPayout != null) {
            return fixedPayout;
        }
        return payouts.computeIfAbsent(Hex.encode(payoutScript),
                k -> payoutOf(CoinbaseBuilder.build(template, config, payoutScript)));
    }

    /** {@code mining.notify} line for a job on this base. */
    public String notifyLine(String jobId, byte[] payoutScript, boolean clean) {
        Payout p = payout(payoutScript);
        return "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"" + jobId
                + (clean ? p.notifyTailClean() : p.notifyTail());
    }

    /** Records a share hash; false when it was already seen on this base. */
    public boolean firstSeen(byte[] hash) {
        return seen.add(hash);
    }

    public int seenCount() {
        return seen.size();
    }

    public long id() {
        return id;
    }

    public Template template() {
        return template;
    }

    public WorkConfig config() {
        return config;
    }

    public long createdMillis() {
        return createdMillis;
    }

    /** Merkle branch of the coinbase, 32 bytes per level, internal order. */
    public byte[] branchFlat() {
        return branchFlat;
    }

    public int branchCount() {
        return branchCount;
    }

    public long ntime() {
        return template.curtime();
    }

    public long height() {
        return template.height();
    }

    /** Network target as 32 little-endian bytes (same layout as a hash in internal order). */
    public byte[] networkTargetLE() {
        return networkTargetLE;
    }

    public double networkDiff() {
        return networkDiff;
    }

    public boolean hasWitnessCommitment() {
        return template.witnessCommitment() != null;
    }

    /** A 256-bit number as 32 little-endian bytes; values above 2^256−1 are capped. */
    public static byte[] littleEndian32(BigInteger v) {
        byte[] out = new byte[32];
        if (v.bitLength() > 256) {
            java.util.Arrays.fill(out, (byte) 0xff);
            return out;
        }
        byte[] be = v.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    /** Compares two 32-byte little-endian numbers: hash ≤ target. */
    public static boolean leq(byte[] hash, byte[] targetLE) {
        for (int i = 31; i >= 0; i--) {
            int h = hash[i] & 0xff;
            int t = targetLE[i] & 0xff;
            if (h != t) {
                return h < t;
            }
        }
        return true;
    }
}
