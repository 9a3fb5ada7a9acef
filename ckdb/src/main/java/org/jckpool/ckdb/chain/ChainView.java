package org.jckpool.ckdb.chain;

import java.io.IOException;
import java.util.OptionalLong;

/** What ckdb needs to know from a Bitcoin node about a block it found. */
public interface ChainView {

    /**
     * Confirmations of the block: ≥ 1 in the best chain, -1 when the node knows it but it is not in the best
     * chain (orphaned), empty when the node does not know the block.
     *
     * @throws IOException when the node cannot be asked
     */
    OptionalLong confirmations(String blockhash) throws IOException;
}
