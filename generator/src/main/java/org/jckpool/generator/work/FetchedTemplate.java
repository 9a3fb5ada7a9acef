package org.jckpool.generator.work;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A block template as fetched: the getblocktemplate result, the node it came from, why it was fetched
 * ("start", "newblock", "update" or "interval") and when.
 */
public record FetchedTemplate(String node, String reason, JsonNode body, long fetchedMillis) {
    public static final String START = "start";
    public static final String NEWBLOCK = "newblock";
    public static final String UPDATE = "update";
    public static final String INTERVAL = "interval";

    public long height() {
        return body.path("height").asLong();
    }

    /** previousblockhash in RPC order. */
    public String prevHash() {
        return body.path("previousblockhash").asText();
    }

    public FetchedTemplate withReason(String r) {
        return new FetchedTemplate(node, r, body, fetchedMillis);
    }
}
