package org.jckpool.stratifier.process;

import com.fasterxml.jackson.databind.JsonNode;

/** What the generator stream delivers, on its reader thread. */
public interface GeneratorListener {
    /** A getblocktemplate result; {@code reason} is start, newblock, update or interval. */
    void template(JsonNode template, String node, String reason);

    /** params of node.status: {"active":URL|null,"nodes":[{"url","alive"}]}. */
    void nodeStatus(JsonNode params);

    /** The answer to a submitblock we sent; {@code confirmed}: the node's chain has it at its height. */
    void blockResult(BlockSubmission submission, boolean accepted, boolean confirmed, String reason, String node);
}
