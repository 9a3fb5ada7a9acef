package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.work.TemplateException;
import org.jckpool.stratifier.work.UpstreamWork;

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

    /**
     * The layout the first upstream work {@code w} ({@code upstream.work} {@code params}) fixes.
     *
     * @throws TemplateException when that room is too small to share
     */
    static ProxyLayout forFirstWork(JsonNode params, UpstreamWork w) {
        int room = params.path("layout_extranonce2_size").asInt(0);
        if (room <= 0) {
            room = w.extranonce2Size();
        }
        ProxyLayout layout = forUpstream(room);
        if (layout == null) {
            throw new TemplateException("upstream " + w.url() + " extranonce2 size " + room
                    + " is too small to proxy (needs 4 or more)");
        }
        return layout;
    }

    /**
     * The zero bytes that pad work {@code w}'s extranonce2 down to this layout's room.
     *
     * @throws TemplateException when {@code w} has less room than this layout
     */
    int padding(UpstreamWork w) {
        int pad = w.extranonce2Size() - room();
        if (pad < 0) {
            throw new TemplateException("upstream " + w.url() + " extranonce2 size " + w.extranonce2Size()
                    + " is smaller than the miners' layout (" + carved + " + " + minerNonce2 + ")");
        }
        return pad;
    }
}
