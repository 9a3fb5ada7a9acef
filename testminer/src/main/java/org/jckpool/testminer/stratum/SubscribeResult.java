package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;

/**
 * The mining.subscribe result {@code [[[method, id], ...], extranonce1, extranonce2_size]}. The session id used
 * to resume is the mining.notify subscription id (ckpool's convention), else extranonce1.
 */
public record SubscribeResult(byte[] extranonce1, int extranonce2Size, String sessionId) {
    /** Bytes of extranonce2 we are willing to roll; more than 16 is not a real pool. */
    public static final int MAX_EXTRANONCE2_SIZE = 16;

    public static SubscribeResult parse(JsonNode result) throws MalformedMessageException {
        if (result == null || !result.isArray() || result.size() < 3) {
            throw new MalformedMessageException("subscribe result is not [subscriptions, extranonce1, size]: " + result);
        }
        JsonNode en1 = result.get(1);
        if (!en1.isTextual() || !Hex.isHex(en1.asText())) {
            throw new MalformedMessageException("subscribe extranonce1 is not hex: " + en1);
        }
        JsonNode size = result.get(2);
        if (!size.isIntegralNumber() || size.asInt() < 1 || size.asInt() > MAX_EXTRANONCE2_SIZE) {
            throw new MalformedMessageException("subscribe extranonce2_size is not 1.." + MAX_EXTRANONCE2_SIZE + ": " + size);
        }
        String session = en1.asText();
        JsonNode subs = result.get(0);
        if (subs.isArray()) {
            // Either [[method, id], ...] or a single [method, id] pair.
            if (subs.size() == 2 && subs.get(0).isTextual()) {
                session = sessionFrom(subs, session);
            } else {
                for (JsonNode s : subs) {
                    if (s.isArray() && s.size() >= 2 && "mining.notify".equals(s.get(0).asText())) {
                        session = sessionFrom(s, session);
                    }
                }
            }
        }
        return new SubscribeResult(Hex.decode(en1.asText()), size.asInt(), session);
    }

    private static String sessionFrom(JsonNode pair, String fallback) {
        JsonNode id = pair.get(1);
        return id != null && id.isTextual() && !id.asText().isEmpty() ? id.asText() : fallback;
    }
}
