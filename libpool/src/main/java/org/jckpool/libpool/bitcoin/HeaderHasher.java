package org.jckpool.libpool.bitcoin;

import java.security.MessageDigest;

/**
 * Hashes 80-byte headers that share their first 64 bytes (version, prev hash, first 28 bytes of the merkle
 * root): the SHA-256 state after those 64 bytes (one full block, the "midstate") is computed once and cloned
 * for every header. Not thread-safe; use one instance per thread.
 */
public final class HeaderHasher {
    private final byte[] prefix = new byte[64];
    private final MessageDigest plain = Sha256d.newDigest();
    private MessageDigest midstate;

    /** Hashes any 80-byte header, caching the midstate of its first 64 bytes for the next call. */
    public byte[] hash(byte[] header) {
        return hash(header, 0);
    }

    public byte[] hash(byte[] header, int off) {
        if (header.length - off < BlockHeader.SIZE) {
            throw new IllegalArgumentException("header needs 80 bytes, got " + (header.length - off));
        }
        if (midstate == null || !java.util.Arrays.equals(prefix, 0, 64, header, off, off + 64)) {
            System.arraycopy(header, off, prefix, 0, 64);
            MessageDigest md = Sha256d.newDigest();
            md.update(prefix);
            midstate = md;
        }
        MessageDigest md;
        try {
            md = (MessageDigest) midstate.clone();
        } catch (CloneNotSupportedException e) {
            // Every JDK SHA-256 provider supports clone; fall back to hashing from scratch if one does not.
            return Sha256d.hash(header, off, BlockHeader.SIZE);
        }
        md.update(header, off + 64, 16);
        byte[] first = md.digest();
        plain.reset();
        return plain.digest(first);
    }

    /** Hashes the whole header from scratch (no midstate), for comparison and benchmarks. */
    public byte[] hashWithoutMidstate(byte[] header) {
        plain.reset();
        plain.update(header, 0, BlockHeader.SIZE);
        byte[] first = plain.digest();
        return plain.digest(first);
    }
}
