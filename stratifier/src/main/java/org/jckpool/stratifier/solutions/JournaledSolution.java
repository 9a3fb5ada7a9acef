package org.jckpool.stratifier.solutions;

import org.jckpool.stratifier.share.BlockSolution;

/**
 * A block solution as the solutions journal keeps it.
 *
 * @param hash     block hash, RPC order
 * @param prevHash the tip it builds on (hex, internal order, as {@link BlockSolution#prevHash()})
 * @param time     when it was found, Unix seconds
 */
public record JournaledSolution(String hash, long height, String prevHash, String hex, long time) {
    static JournaledSolution of(BlockSolution s, long time) {
        return new JournaledSolution(s.hash(), s.height(), s.prevHash(), s.hex(), time);
    }

    /** The solution to submit again (not stale: the caller checked its tip is current). */
    BlockSolution toSolution() {
        return new BlockSolution(hex, hash, height, prevHash, false);
    }
}
