package org.jckpool.stratifier.passthrough;

import org.jckpool.libpool.bitcoin.ByteWriter;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.stratifier.work.WorkBase;

import java.util.Arrays;
import java.util.List;

/**
 * A block rebuilt from a workinfo and one share (docs/PROTOCOL.md 2.3 and 5.6): coinbase = coinb1 ‖ extranonce1 ‖
 * extranonce2 ‖ coinb2, merkle root from its txid and the branch, header = version ‖ prevhash ‖ root ‖ ntime ‖
 * nbits ‖ nonce. {@link #blockHex} is the {@code submitblock} payload, with the coinbase in witness form (one
 * 32-byte zero reserved value) when it carries a witness commitment.
 *
 * @param hash header hash, internal order
 */
record BlockRebuild(byte[] coinbase, byte[] header, byte[] hash, NodeWorkinfo work) {
    private static final byte[] COMMITMENT_PREFIX = Hex.decode("6a24aa21a9ed");

    /**
     * @param nonce2  the miner's extranonce2 as submitted; cut or zero-padded to the workinfo's length, as ckpool
     * @param version the header version (the job's, with any BIP310 bits applied)
     */
    static BlockRebuild of(NodeWorkinfo w, byte[] enonce1, byte[] nonce2, long ntime, long nonce, long version) {
        byte[] n2 = Arrays.copyOf(nonce2, w.enonce2Length());
        ByteWriter cb = new ByteWriter(w.coinb1().length + enonce1.length + n2.length + w.coinb2().length);
        cb.bytes(w.coinb1()).bytes(enonce1).bytes(n2).bytes(w.coinb2());
        byte[] coinbase = cb.toByteArray();
        byte[] root = Merkle.rootFromBranch(Sha256d.hash(coinbase), w.branch());
        byte[] header = new ByteWriter(80).u32(version).bytes(w.prevHash()).bytes(root).u32(ntime).u32(w.bits())
                .u32(nonce).toByteArray();
        return new BlockRebuild(coinbase, header, Sha256d.hash(header), w);
    }

    /** Whether the header hash meets the network target of the workinfo's nbits. */
    boolean meetsNetworkTarget() {
        return WorkBase.leq(hash, work.networkTargetLE());
    }

    String blockHashRpc() {
        return Hex.toRpc(hash);
    }

    /** The submitblock payload; {@code txData} holds each transaction's raw hex, in the workinfo's order. */
    String blockHex(List<String> txData) {
        ByteWriter w = new ByteWriter(80 + 9 + coinbase.length + 40);
        w.bytes(header).varInt(1L + txData.size()).bytes(coinbaseForBlock());
        StringBuilder sb = new StringBuilder(Hex.encode(w.toByteArray()));
        txData.forEach(sb::append);
        return sb.toString();
    }

    private byte[] coinbaseForBlock() {
        Transaction tx = Transaction.parse(coinbase);
        boolean commits = tx.outputs().stream().anyMatch(o -> startsWith(o.script(), COMMITMENT_PREFIX));
        if (!commits || tx.hasWitness()) {
            return coinbase;
        }
        Transaction.Input in = tx.inputs().get(0);
        Transaction.Input withNonce = new Transaction.Input(in.prevHash(), in.prevIndex(), in.scriptSig(),
                in.sequence(), List.of(new byte[32]));
        return new Transaction(tx.version(), List.of(withNonce), tx.outputs(), tx.lockTime()).serialize(true);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
