package org.jckpool.simnode.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Script;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.libpool.bitcoin.Witness;

/**
 * Builds and mines the node's own blocks (generatetoaddress, generateblock, --mine-interval) the way Core's
 * OwnBlockMiner does: coinbase scriptSig {@code <height> OP_0}, payout of subsidy + fees, witness commitment
 * last, coinbase lock time height − 1 with sequence 0xfffffffe.
 */
public final class OwnBlockMiner {
    private OwnBlockMiner() {
    }

    /** An unmined block (nonce 0) for {@code snapshot} paying {@code payoutScript}, with the given transactions. */
    public static Block build(ChainState.TemplateSnapshot snapshot, byte[] payoutScript, List<MempoolTx> txs,
                              long time) {
        long height = snapshot.height();
        long fees = 0;
        List<byte[]> wtxids = new ArrayList<>();
        for (MempoolTx tx : txs) {
            fees += tx.fee();
            wtxids.add(tx.wtxid());
        }
        byte[] scriptSig = BlockChecks.concat(Script.bip34Height(height), new byte[] {(byte) Script.OP_0});
        Transaction.Input input = new Transaction.Input(new byte[32], 0xffffffffL, scriptSig, 0xfffffffeL,
                List.of(new byte[32]));
        List<Transaction.Output> outputs = List.of(
                new Transaction.Output(Consensus.subsidy(height) + fees, payoutScript),
                new Transaction.Output(0, Witness.commitmentScript(Witness.commitmentHash(wtxids))));
        Transaction coinbase = new Transaction(2, List.of(input), outputs, height - 1);
        List<Transaction> all = new ArrayList<>();
        all.add(coinbase);
        List<byte[]> txids = new ArrayList<>();
        txids.add(coinbase.txid());
        for (MempoolTx tx : txs) {
            all.add(tx.tx());
            txids.add(tx.txid());
        }
        long blockTime = Math.max(time, snapshot.minTime());
        BlockHeader header = new BlockHeader(Consensus.TEMPLATE_VERSION, snapshot.tip().hash(), Merkle.root(txids),
                blockTime, snapshot.bits(), 0);
        return new Block(header, all);
    }

    /** Searches nonces from 0 for a header meeting its bits; null when {@code maxTries} are used up. */
    public static Block mine(Block block, long maxTries) {
        BlockHeader header = block.header();
        BigInteger target = Target.fromCompact(header.bits());
        for (long nonce = 0; nonce < Math.min(maxTries, 1L << 32); nonce++) {
            BlockHeader candidate = header.withNonce(nonce);
            if (Target.meets(candidate.hash(), target)) {
                return new Block(candidate, block.transactions());
            }
        }
        return null;
    }
}
