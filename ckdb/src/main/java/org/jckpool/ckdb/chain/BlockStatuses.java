package org.jckpool.ckdb.chain;

import java.util.List;

/** Where the chain poller reads the blocks still to settle and records what the node says of them. */
public interface BlockStatuses {
    /** Blocks not yet confirmed or orphaned: {hash, height, status}. */
    List<String[]> unconfirmedBlocks();

    /** A block's new status from the chain (new, confirmed, orphan). */
    void chainStatus(String blockhash, String status);
}
