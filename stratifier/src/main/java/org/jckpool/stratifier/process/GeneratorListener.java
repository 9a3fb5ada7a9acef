package org.jckpool.stratifier.process;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.share.SolutionOutcome;

/** What the generator stream delivers, on its reader thread. */
public interface GeneratorListener {
    /** A getblocktemplate result; {@code reason} is start, newblock, update or interval. */
    void template(JsonNode template, String node, String reason);

    /** params of node.status: {"active":URL|null,"nodes":[{"url","alive"}]}. */
    void nodeStatus(JsonNode params);

    /**
     * The answer to a submitblock we sent: ACCEPTED, REJECTED (the node's reason) or LOST (no node answered);
     * {@code confirmed}: the node's chain has it at its height.
     */
    void blockResult(BlockSubmission submission, SolutionOutcome outcome, boolean confirmed, String reason,
                     String node);
}
