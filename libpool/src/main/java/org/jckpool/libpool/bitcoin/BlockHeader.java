package org.jckpool.libpool.bitcoin;

import java.util.Arrays;
import java.util.Objects;

/**
 * The 80-byte block header. Hashes are internal order; time, bits and nonce are unsigned 32-bit values held
 * in longs.
 */
public record BlockHeader(int version, byte[] prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
    public static final int SIZE = 80;

    public BlockHeader {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(merkleRoot, "merkleRoot");
        if (prevHash.length != 32 || merkleRoot.length != 32) {
            throw new IllegalArgumentException("prevHash and merkleRoot must be 32 bytes");
        }
        prevHash = prevHash.clone();
        merkleRoot = merkleRoot.clone();
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    @Override
    public byte[] merkleRoot() {
        return merkleRoot.clone();
    }

    public byte[] serialize() {
        return new ByteWriter(SIZE).u32(version).bytes(prevHash).bytes(merkleRoot).u32(time).u32(bits).u32(nonce)
                .toByteArray();
    }

    /** Double SHA-256 of the header, internal order. */
    public byte[] hash() {
        return Sha256d.hash(serialize());
    }

    /** Block hash in RPC order (hex, leading zeros first). */
    public String hashHex() {
        return Hex.toRpc(hash());
    }

    public BlockHeader withNonce(long newNonce) {
        return new BlockHeader(version, prevHash, merkleRoot, time, bits, newNonce);
    }

    public static BlockHeader parse(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new ParseException("block header must be 80 bytes, got " + bytes.length);
        }
        return read(new ByteReader(bytes));
    }

    public static BlockHeader read(ByteReader r) {
        int version = (int) r.u32();
        byte[] prev = r.bytes(32);
        byte[] root = r.bytes(32);
        return new BlockHeader(version, prev, root, r.u32(), r.u32(), r.u32());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHeader h && version == h.version && time == h.time && bits == h.bits
                && nonce == h.nonce && Arrays.equals(prevHash, h.prevHash) && Arrays.equals(merkleRoot, h.merkleRoot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, Arrays.hashCode(prevHash), Arrays.hashCode(merkleRoot), time, bits, nonce);
    }

    @Override
    public String toString() {
        return "BlockHeader[version=" + String.format("%08x", version) + ", prev=" + Hex.toRpc(prevHash)
                + ", merkleRoot=" + Hex.toRpc(merkleRoot) + ", time=" + time + ", bits=" + String.format("%08x", bits)
                + ", nonce=" + nonce + "]";
    }
}
