package org.jckpool.libpool.bitcoin;

import java.util.ArrayList;
import java.util.List;

/** BIP141 witness commitment for the coinbase. */
public final class Witness {
    /** The witness reserved value the pool uses: 32 zero bytes. */
    public static final byte[] RESERVED_VALUE = new byte[32];
    /** Start of the commitment output script: OP_RETURN, push 36, aa21a9ed. */
    public static final byte[] COMMITMENT_PREFIX = {0x6a, 0x24, (byte) 0xaa, 0x21, (byte) 0xa9, (byte) 0xed};

    private Witness() {
    }

    /** H(witnessRoot ‖ reserved), witnessRoot = merkle root of [00×32 (coinbase), wtxid_1, …] (internal order). */
    public static byte[] commitmentHash(List<byte[]> wtxidsWithoutCoinbase) {
        List<byte[]> leaves = new ArrayList<>(wtxidsWithoutCoinbase.size() + 1);
        leaves.add(new byte[32]);
        leaves.addAll(wtxidsWithoutCoinbase);
        return Sha256d.hashPair(Merkle.root(leaves), RESERVED_VALUE);
    }

    /** The 38-byte commitment output script {@code 6a24aa21a9ed ‖ commitment}. */
    public static byte[] commitmentScript(byte[] commitmentHash) {
        if (commitmentHash.length != 32) {
            throw new IllegalArgumentException("commitment hash must be 32 bytes");
        }
        return new ByteWriter(38).bytes(COMMITMENT_PREFIX).bytes(commitmentHash).toByteArray();
    }

    /**
     * Turns a non-witness coinbase serialisation into the witness form for submitblock: same inputs/outputs,
     * marker/flag, and one 32-byte zero item (the reserved value) as the coinbase input's witness.
     */
    public static byte[] coinbaseWithReservedValue(byte[] coinbaseNoWitness) {
        Transaction tx = Transaction.parse(coinbaseNoWitness);
        if (tx.inputs().size() != 1) {
            throw new IllegalArgumentException("a coinbase has exactly one input, got " + tx.inputs().size());
        }
        Transaction.Input in = tx.inputs().get(0);
        Transaction.Input withWitness = new Transaction.Input(in.prevHash(), in.prevIndex(), in.scriptSig(),
                in.sequence(), List.of(RESERVED_VALUE.clone()));
        return new Transaction(tx.version(), List.of(withWitness), tx.outputs(), tx.lockTime()).serialize(true);
    }
}
