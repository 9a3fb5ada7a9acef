package org.jckpool.stratifier.share;

/**
 * A share whose hash met the network target.
 *
 * @param hex      the full serialized block, for {@code submitblock}
 * @param hash     block hash, RPC order
 * @param height   height of the block
 * @param prevHash hash of the tip it builds on (hex, internal order): one submission per tip at a time
 * @param stale    its job was superseded by a newer tip when the share arrived
 */
public record BlockSolution(String hex, String hash, long height, String prevHash, boolean stale) {
}
