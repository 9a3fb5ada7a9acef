package org.jckpool.stratifier.engine;

/**
 * How the upstream's extranonce2 is shared out (proxy mode): {@code carved} bytes of it become each miner's
 * extranonce1, {@code minerNonce2} bytes are the miners' extranonce2. Fixed by the first upstream work: from its
 * {@code layout_extranonce2_size} (the scheduling proxy's room, the smallest among its upstreams), else from its own
 * extranonce2 size.
 */
public record ProxyLayout(int carved, int minerNonce2) {
    /** The upstream extranonce2 bytes this layout needs (work with more gets zero padding). */
    public int room() {
        return carved + minerNonce2;
    }

    /** ckpool's rule, adapted: 8+ bytes → 4 carved, 4..7 → 2 carved, fewer → too small to proxy (null). */
    public static ProxyLayout forUpstream(int upstreamNonce2) {
        if (upstreamNonce2 >= 8) {
            return new ProxyLayout(4, upstreamNonce2 - 4);
        }
        if (upstreamNonce2 >= 4) {
            return new ProxyLayout(2, upstreamNonce2 - 2);
        }
        return null;
    }
}
