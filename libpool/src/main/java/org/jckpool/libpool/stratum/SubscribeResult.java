package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;

/**
 * The result of {@code mining.subscribe}: {@code [subscriptions, extranonce1, extranonce2_size]}. Subscriptions
 * come as a list of pairs ({@code [["mining.set_difficulty",id],["mining.notify",id]]}, jckpool and most pools),
 * one pair list ({@code [["mining.notify",id]]}, ckpool 0.9.x) or a flat pair ({@code ["mining.notify",id]});
 * the session id for resuming is the mining.notify one, else extranonce1. A blank one (ckpool running as a proxy
 * sends {@code ""} so that its miners never think they resumed) is null: nothing to resume.
 */
public record SubscribeResult(String sessionId, String extranonce1, int extranonce2Size) {

    public static SubscribeResult parse(JsonNode r) {
        if (r == null || !r.isArray() || r.size() < 3) {
            throw new StratumProtocolException("subscribe result is not [subscriptions, extranonce1, size]: " + r);
        }
        String en1 = r.get(1).asText("");
        if ((en1.length() & 1) != 0 || !Hex.isHex(en1)) {
            throw new StratumProtocolException("subscribe extranonce1 is not hex: " + r.get(1));
        }
        if (!r.get(2).canConvertToInt() || r.get(2).asInt() < 0 || r.get(2).asInt() > 32) {
            throw new StratumProtocolException("subscribe extranonce2 size is not 0..32: " + r.get(2));
        }
        String session = sessionId(r.get(0), en1);
        return new SubscribeResult(session == null || session.isBlank() ? null : session,
                en1.toLowerCase(java.util.Locale.ROOT), r.get(2).asInt());
    }

    private static String sessionId(JsonNode subs, String fallback) {
        if (subs == null || !subs.isArray()) {
            return fallback;
        }
        if (subs.size() == 2 && subs.get(0).isTextual()) {
            return "mining.notify".equals(subs.get(0).asText()) ? subs.get(1).asText(fallback) : fallback;
        }
        for (JsonNode pair : subs) {
            if (pair.isArray() && pair.size() >= 2 && "mining.notify".equals(pair.get(0).asText())) {
                return pair.get(1).asText(fallback);
            }
        }
        return fallback;
    }
}
