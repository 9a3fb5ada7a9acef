package org.jckpool.simnode.chain;

import org.jckpool.libpool.bitcoin.Transaction;

/** A mempool transaction with what getblocktemplate reports about it. */
public record MempoolTx(Transaction tx, byte[] txid, byte[] wtxid, byte[] raw, long fee, int sigOpCost, int weight) {
    public static MempoolTx of(Transaction tx, long fee, int sigOpCost) {
        return new MempoolTx(tx, tx.txid(), tx.wtxid(), tx.serialize(true), fee, sigOpCost, tx.weight());
    }
}
