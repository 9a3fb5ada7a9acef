package org.jckpool.simnode;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Script;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;

/**
 * Builds a block from a getblocktemplate result the way a pool does (coinbase with BIP34 height, extranonce,
 * payout, witness commitment from default_witness_commitment, the template's transactions), with knobs to break
 * exactly one thing. For tests of anything that submits blocks to a node (the simnode's own, the generator's).
 */
public final class BlockFromTemplate {
    public static final byte[] PAYOUT = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");

    public long height;
    public long value;
    public byte[] commitmentScript;
    public List<byte[]> rawTxs = new ArrayList<>();
    public byte[] prevHash;
    public long time;
    public long bits;
    public int version;
    public byte[] extranonce = Hex.decode("8d3b5a1c00000001");
    /** Coinbase witness stack; null = none. */
    public List<byte[]> coinbaseWitness = List.of(new byte[32]);
    /** Replaces the computed merkle root when set. */
    public byte[] merkleRootOverride;
    /** Replaces the scriptSig when set. */
    public byte[] scriptSigOverride;

    public static BlockFromTemplate fromTemplate(JsonNode t) {
        BlockFromTemplate b = new BlockFromTemplate();
        b.height = t.get("height").asLong();
        b.value = t.get("coinbasevalue").asLong();
        b.commitmentScript = Hex.decode(t.get("default_witness_commitment").asText());
        for (JsonNode tx : t.get("transactions")) {
            b.rawTxs.add(Hex.decode(tx.get("data").asText()));
        }
        b.prevHash = Hex.fromRpc(t.get("previousblockhash").asText());
        b.time = t.get("curtime").asLong();
        b.bits = Long.parseLong(t.get("bits").asText(), 16);
        b.version = t.get("version").asInt();
        return b;
    }

    public Transaction coinbase() {
        byte[] scriptSig = scriptSigOverride != null ? scriptSigOverride
                : concat(Script.bip34Height(height), Script.push("/jckpool-test/".getBytes()), Script.push(extranonce));
        List<Transaction.Output> outputs = new ArrayList<>();
        outputs.add(new Transaction.Output(value, PAYOUT));
        if (commitmentScript != null) {
            outputs.add(new Transaction.Output(0, commitmentScript));
        }
        Transaction.Input in = new Transaction.Input(new byte[32], 0xffffffffL, scriptSig, 0xfffffffeL,
                coinbaseWitness == null ? List.of() : coinbaseWitness);
        return new Transaction(2, List.of(in), outputs, height - 1);
    }

    /** The block, with a nonce chosen so that the header meets (or, with {@code valid} false, misses) its bits. */
    public Block build(boolean validPow) {
        List<Transaction> txs = new ArrayList<>();
        txs.add(coinbase());
        for (byte[] raw : rawTxs) {
            txs.add(Transaction.parse(raw));
        }
        List<byte[]> txids = new ArrayList<>();
        for (Transaction tx : txs) {
            txids.add(tx.txid());
        }
        byte[] root = merkleRootOverride != null ? merkleRootOverride : Merkle.root(txids);
        BigInteger target = Target.fromCompact(Math.min(bits, 0x207fffffL));
        for (long nonce = 0; ; nonce++) {
            BlockHeader header = new BlockHeader(version, prevHash, root, time, bits, nonce);
            if (Target.meets(header.hash(), target) == validPow) {
                return new Block(header, txs);
            }
        }
    }

    public Block build() {
        return build(true);
    }

    public String hex() {
        return Hex.encode(build().serialize(true));
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
