package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a relay mode adds to the plain passthrough: it sees every line both ways and the lines from upstream that
 * are for no miner. {@code -P} uses {@link #NONE}; {@code -N} is {@link NodeWatch}.
 */
interface RelayTap {
    RelayTap NONE = new RelayTap() {
    };

    /** The first line on a new upstream connection. */
    default String handshake() {
        return PassthroughLines.PASSTHROUGH_REQUEST;
    }

    /** A miner's line, after it went upstream. */
    default void fromMiner(ClientRoutes.Route miner, String line) {
    }

    /** An upstream line for a miner (its client_id taken out), before the miner gets it. */
    default void toMiner(ClientRoutes.Route miner, String line) {
    }

    /** An upstream line without a client_id; true when it was the tap's. */
    default boolean fromUpstream(String line) {
        return false;
    }

    default void minerGone(ClientRoutes.Route miner) {
    }

    default void upstreamLost() {
    }

    default void stats(ObjectNode into) {
    }

    default void stop() {
    }
}
