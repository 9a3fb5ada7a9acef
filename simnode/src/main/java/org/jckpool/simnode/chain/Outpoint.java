package org.jckpool.simnode.chain;

import org.jckpool.libpool.bitcoin.Hex;

/** A transaction output reference; {@code txid} is hex of the internal-order hash. */
public record Outpoint(String txid, long index) {
    public static Outpoint of(byte[] txidInternal, long index) {
        return new Outpoint(Hex.encode(txidInternal), index);
    }
}
