package org.jckpool.stratifier.work;

/**
 * What the coinbase is made of, apart from the template.
 *
 * @param coinbaseTag      text pushed after the BIP34 height (pool tag followed by {@code btcsig}); may be empty,
 *                         cut to fit the 100-byte scriptSig limit
 * @param nonce1Length     extranonce1 bytes ({@code nonce1length}, 2..8)
 * @param nonce2Length     extranonce2 bytes ({@code nonce2length}, 2..8); clients get this as extranonce2_size
 * @param donationPercent  percent of the coinbase value paid to {@code donationScript}, 0 ≤ p &lt; 100 (0 = none;
 *                         below 100 so that the payout output keeps at least a satoshi)
 * @param donationScript   donation output script, or null (then nothing is donated whatever the percent)
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
        if (!(donationPercent >= 0 && donationPercent < 100)) {
            throw new IllegalArgumentException("donation " + donationPercent + " is outside 0 ≤ p < 100");
        }
        if (donationScript != null && donationScript.length == 0) {
            throw new IllegalArgumentException("donation script is empty");
        }
        coinbaseTag = coinbaseTag == null ? "" : coinbaseTag;
    }
}
