package org.jckpool.stratifier.link;

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

    /** The stream to the generator has just opened (after the request for work): proxy mode reports its layout. */
    default void streamOpened() {
    }

    /** Proxy mode: work from the active upstream (docs/INTERNALS.md, proxy mode). */
    default void upstreamWork(JsonNode params) {
    }

    /** Proxy mode: {"upstream","generation","difficulty"}. */
    default void upstreamDifficulty(JsonNode params) {
    }

    /** Proxy mode: the upstream's verdict on a share we forwarded. */
    default void upstreamShareResult(JsonNode params) {
    }

    /** Proxy mode: {"active","upstreams":[…]} every 2 s. */
    default void upstreamStatus(JsonNode params) {
    }
}
