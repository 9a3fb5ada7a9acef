package org.jckpool.stratifier.share;

import org.jckpool.stratifier.work.CoinbaseParts;
import org.jckpool.stratifier.work.WorkBase;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Per-thread scratch space that rebuilds a share's coinbase, merkle root and header and hashes them without
 * allocating (docs/PROTOCOL.md §2.3). The header midstate is not reused: its first 64 bytes hold the merkle root,
 * which changes with every share. Use {@link #get()}; never share an instance between threads.
 */
public final class ShareHasher {
    private static final ThreadLocal<ShareHasher> LOCAL = ThreadLocal.withInitial(ShareHasher::new);

    private final MessageDigest sha;
    private byte[] coinbase = new byte[512];
    private int coinbaseLength;
    private final byte[] pair = new byte[64];
    private final byte[] single = new byte[32];
    /** The 80-byte header of the last share hashed. */
    public final byte[] header = new byte[80];
    /** Its hash, internal order. */
    public final byte[] hash = new byte[32];

    private ShareHasher() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public static ShareHasher get() {
        return LOCAL.get();
    }

    /**
     * Hashes a share. {@code nonce2Hex} must already be checked to be hex of the right length.
     */
    public void hashShare(WorkBase base, CoinbaseParts cb, byte[] extranonce1, String nonce2Hex, int version,
                          long ntime, long nonce) {
        byte[] c1 = cb.coinb1();
        byte[] c2 = cb.coinb2();
        int n2 = nonce2Hex.length() / 2;
        int len = c1.length + extranonce1.length + n2 + c2.length;
        if (coinbase.length < len) {
            coinbase = new byte[len * 2];
        }
        System.arraycopy(c1, 0, coinbase, 0, c1.length);
        int off = c1.length;
        System.arraycopy(extranonce1, 0, coinbase, off, extranonce1.length);
        off += extranonce1.length;
        for (int i = 0; i < n2; i++) {
            coinbase[off + i] = (byte) ((hexValue(nonce2Hex.charAt(2 * i)) << 4) | hexValue(nonce2Hex.charAt(2 * i + 1)));
        }
        off += n2;
        System.arraycopy(c2, 0, coinbase, off, c2.length);
        coinbaseLength = len;

        sha256d(coinbase, 0, len, pair, 0);
        byte[] branch = base.branchFlat();
        for (int i = 0, n = base.branchCount(); i < n; i++) {
            System.arraycopy(branch, i * 32, pair, 32, 32);
            sha256d(pair, 0, 64, pair, 0);
        }
        putLE(header, 0, version);
        System.arraycopy(base.template().prevHash(), 0, header, 4, 32);
        System.arraycopy(pair, 0, header, 36, 32);
        putLE(header, 68, (int) ntime);
        putLE(header, 72, (int) base.template().bits());
        putLE(header, 76, (int) nonce);
        sha256d(header, 0, 80, hash, 0);
    }

    /** The non-witness coinbase of the last share (valid until the next call). */
    public byte[] coinbase() {
        return coinbase;
    }

    public int coinbaseLength() {
        return coinbaseLength;
    }

    private void sha256d(byte[] in, int off, int len, byte[] out, int outOff) {
        try {
            sha.update(in, off, len);
            sha.digest(single, 0, 32);
            sha.update(single, 0, 32);
            sha.digest(out, outOff, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Value of a hex digit, or -1. */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** True when {@code s} is exactly {@code digits} hex digits. */
    public static boolean isHex(String s, int digits) {
        if (s.length() != digits) {
            return false;
        }
        for (int i = 0; i < digits; i++) {
            if (hexValue(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Parses exactly 8 hex digits as an unsigned 32-bit value (BE text); the caller checked {@link #isHex}. */
    public static long hex32(String s) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 4) | hexValue(s.charAt(i));
        }
        return v;
    }

    private static final double DIFF1 = 0xFFFF * Math.pow(2, 208);

    /** diff1 ÷ hash value, in double precision (for stats and logs; acceptance uses exact byte comparison). */
    public static double difficulty(byte[] hash) {
        double v = 0;
        for (int i = 31; i >= 0; i--) {
            v = v * 256 + (hash[i] & 0xff);
        }
        return v == 0 ? Double.MAX_VALUE : DIFF1 / v;
    }
}
