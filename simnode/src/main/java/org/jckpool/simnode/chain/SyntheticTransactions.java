package org.jckpool.simnode.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jckpool.libpool.bitcoin.Script;
import org.jckpool.libpool.bitcoin.Transaction;

/**
 * Makes well-formed random transactions for the mempool: P2WPKH spends (segwit, with a signature-sized witness)
 * and P2PKH spends (legacy scriptSig), paying a random fee. Their inputs are "external" coins created on the spot;
 * scripts are never executed, so the fake signatures only need the right shape.
 */
public final class SyntheticTransactions {
    private static final long SEQUENCE_RBF = 0xfffffffdL;
    private static final long SEQUENCE_FINAL = 0xffffffffL;

    private final Random random;

    public SyntheticTransactions(long seed) {
        this.random = seed == 0 ? new Random() : new Random(seed);
    }

    /** Creates one transaction, registering the coins it spends in {@code utxo}. */
    public MempoolTx create(UtxoSet utxo) {
        boolean segwit = random.nextBoolean();
        int inputCount = 1 + random.nextInt(2);
        List<Transaction.Input> inputs = new ArrayList<>();
        long valueIn = 0;
        int witnessSigOps = 0;
        for (int i = 0; i < inputCount; i++) {
            byte[] prevHash = bytes(32);
            long prevIndex = random.nextInt(4);
            long value = 100_000 + (long) (random.nextDouble() * 100_000_000L);
            byte[] coinScript = segwit ? Script.witness(0, bytes(20)) : Script.p2pkh(bytes(20));
            utxo.addExternal(Outpoint.of(prevHash, prevIndex), new Coin(value, coinScript, 0, false));
            valueIn += value;
            byte[] signature = fakeSignature();
            byte[] pubKey = fakePubKey();
            long sequence = random.nextBoolean() ? SEQUENCE_RBF : SEQUENCE_FINAL;
            if (segwit) {
                inputs.add(new Transaction.Input(prevHash, prevIndex, new byte[0], sequence, List.of(signature, pubKey)));
                witnessSigOps++;
            } else {
                byte[] scriptSig = BlockChecks.concat(Script.push(signature), Script.push(pubKey));
                inputs.add(new Transaction.Input(prevHash, prevIndex, scriptSig, sequence, List.of()));
            }
        }
        long fee = 1_000 + random.nextInt(49_000);
        long valueOut = valueIn - fee;
        int outputCount = 1 + random.nextInt(2);
        List<Transaction.Output> outputs = new ArrayList<>();
        long remaining = valueOut;
        for (int i = 0; i < outputCount; i++) {
            long value = i == outputCount - 1 ? remaining : remaining / 2;
            remaining -= value;
            byte[] script = random.nextBoolean() ? Script.witness(0, bytes(20)) : Script.p2pkh(bytes(20));
            outputs.add(new Transaction.Output(value, script));
        }
        Transaction tx = new Transaction(2, inputs, outputs, 0);
        int sigOpCost = SigOps.legacy(tx) * Consensus.WITNESS_SCALE_FACTOR + witnessSigOps;
        return MempoolTx.of(tx, fee, sigOpCost);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A DER-shaped ECDSA signature with SIGHASH_ALL (71 bytes). */
    private byte[] fakeSignature() {
        byte[] sig = bytes(71);
        sig[0] = 0x30;
        sig[1] = 68;
        sig[2] = 0x02;
        sig[3] = 32;
        sig[4] &= 0x7f;
        sig[36] = 0x02;
        sig[37] = 32;
        sig[38] &= 0x7f;
        sig[70] = 0x01;
        return sig;
    }

    /** A compressed public key shape (33 bytes, 02/03 prefix). */
    private byte[] fakePubKey() {
        byte[] key = bytes(33);
        key[0] = (byte) (random.nextBoolean() ? 0x02 : 0x03);
        return key;
    }
}
