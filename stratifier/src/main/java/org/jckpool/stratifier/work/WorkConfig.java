package org.jckpool.stratifier.work;

/**
 * What the coinbase is made of, apart from the template.
 *
 * @param coinbaseTag      text pushed after the BIP34 height (pool tag followed by {@code btcsig}); may be empty,
 *                         cut to fit the 100-byte scriptSig limit
 * @param nonce1Length     extranonce1 bytes ({@code nonce1length}, 2..8)
 * @param nonce2Length     extranonce2 bytes ({@code nonce2length}, 2..8); clients get this as extranonce2_size
 * @param donationPercent  share of the coinbase value paid to {@code donationScript} (0 = none)
 * @param donationScript   donation output script, or null
 */
public record WorkConfig(String coinbaseTag, int nonce1Length, int nonce2Length, double donationPercent,
                         byte[] donationScript) {
    public WorkConfig {
        if (nonce1Length < 2 || nonce1Length > 8) {
            throw new IllegalArgumentException("nonce1length " + nonce1Length + " is outside 2..8");
        }
        if (nonce2Length < 2 || nonce2Length > 8) {
            throw new IllegalArgumentException("nonce2length " + nonce2Length + " is outside 2..8");
        }
        if (donationPercent < 0 || donationPercent > 100 || Double.isNaN(donationPercent)) {
            throw new IllegalArgumentException("donation " + donationPercent + " is outside 0..100");
        }
        coinbaseTag = coinbaseTag == null ? "" : coinbaseTag;
    }
}
