package org.jckpool.testminer.work;

import org.jckpool.libpool.bitcoin.HeaderHasher;

/**
 * The inner mining loop for one thread: holds an 80-byte header, lets the caller set version and scan a nonce
 * range, and reports the first nonce whose hash meets a target. Reuses the SHA-256 midstate of the first 64
 * header bytes through {@link HeaderHasher}. Not thread-safe.
 */
public final class NonceScanner {
    private final HeaderHasher hasher = new HeaderHasher();
    private byte[] header = new byte[80];
    private byte[] lastHash;

    /** Builds the header for this work and extranonce2 (version = job version, nonce 0). */
    public void prepare(Work work, byte[] extranonce2) {
        header = HeaderBuilder.header(work.job(), work.extranonce1(), extranonce2, work.job().version(), 0);
    }

    public void setVersion(long version) {
        putLe32(0, version);
    }

    /**
     * Hashes nonces from, from+1, … (count of them, stopping at 2^32) and returns the first that meets the target,
     * or -1. {@link #lastHash()} is then that nonce's hash.
     */
    public long scan(long from, int count, ShareTarget target) {
        long end = Math.min(from + count, 1L << 32);
        for (long nonce = from; nonce < end; nonce++) {
            putLe32(76, nonce);
            byte[] hash = hasher.hash(header);
            if (target.isMetBy(hash)) {
                lastHash = hash;
                return nonce;
            }
        }
        return -1;
    }

    /** Hash of the nonce {@link #scan} returned last. */
    public byte[] lastHash() {
        return lastHash;
    }

    /** Copy of the current header (version and nonce as last set). */
    public byte[] header() {
        return header.clone();
    }

    private void putLe32(int off, long v) {
        header[off] = (byte) v;
        header[off + 1] = (byte) (v >>> 8);
        header[off + 2] = (byte) (v >>> 16);
        header[off + 3] = (byte) (v >>> 24);
    }
}
