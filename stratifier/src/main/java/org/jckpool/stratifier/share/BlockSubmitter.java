package org.jckpool.stratifier.share;

/** Where a solved block goes (the generator's submitblock). Called on the share path: must not block. */
@FunctionalInterface
public interface BlockSubmitter {
    /**
     * @param blockHex full serialized block for {@code submitblock}
     * @param hashRpc  block hash, RPC order
     * @param height   height of the block
     */
    void submit(String blockHex, String hashRpc, long height);
}
