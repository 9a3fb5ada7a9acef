package org.jckpool.simnode.chain;

/** An unspent output: value, script, height of the block that created it, and whether it came from a coinbase. */
public record Coin(long value, byte[] script, long height, boolean coinbase) {
}
