package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.Hex;

/** A coinbase split around the extranonces: {@code coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2}. */
public record CoinbaseParts(byte[] coinb1, byte[] coinb2, String coinb1Hex, String coinb2Hex) {
    public static CoinbaseParts of(byte[] coinb1, byte[] coinb2) {
        return new CoinbaseParts(coinb1, coinb2, Hex.encode(coinb1), Hex.encode(coinb2));
    }

    public int length(int nonce1Length, int nonce2Length) {
        return coinb1.length + nonce1Length + nonce2Length + coinb2.length;
    }
}
