package org.jckpool.simnode.notify;

/** Told about every new best block (after a connect or a reorg), like Core's UpdatedBlockTip. */
@FunctionalInterface
public interface TipListener {
    /** @param rpcHash the new tip's hash in RPC order (hex) */
    void newTip(String rpcHash, long height);
}
