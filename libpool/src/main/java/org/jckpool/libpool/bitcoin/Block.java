package org.jckpool.libpool.bitcoin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A block: header plus transactions (coinbase first). */
public record Block(BlockHeader header, List<Transaction> transactions) {
    public Block {
        Objects.requireNonNull(header, "header");
        transactions = List.copyOf(transactions);
    }

    public byte[] serialize() {
        return serialize(true);
    }

    public byte[] serialize(boolean withWitness) {
        ByteWriter w = new ByteWriter(1024);
        w.bytes(header.serialize()).varInt(transactions.size());
        for (Transaction tx : transactions) {
            tx.write(w, withWitness);
        }
        return w.toByteArray();
    }

    public byte[] hash() {
        return header.hash();
    }

    /** Merkle root of the transactions' txids (what the header should carry). */
    public byte[] computeMerkleRoot() {
        List<byte[]> ids = new ArrayList<>(transactions.size());
        for (Transaction tx : transactions) {
            ids.add(tx.txid());
        }
        return Merkle.root(ids);
    }

    /** BIP141 weight: 3 × stripped size + total size. */
    public int weight() {
        return 3 * serialize(false).length + serialize(true).length;
    }

    public static Block parse(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        BlockHeader header = BlockHeader.read(r);
        int n = r.varLength(r.remaining() / 60, "transaction count");
        List<Transaction> txs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            txs.add(Transaction.read(r));
        }
        if (!r.atEnd()) {
            throw new ParseException(r.remaining() + " unexpected trailing bytes after block");
        }
        return new Block(header, txs);
    }

    /**
     * The submitblock payload from raw pieces: header ‖ varint(1 + n) ‖ coinbase ‖ each raw tx, copied verbatim.
     * {@code coinbase} should already be in witness form (see {@link Witness#coinbaseWithReservedValue}).
     */
    public static byte[] assemble(BlockHeader header, byte[] coinbase, List<byte[]> rawTransactions) {
        int total = BlockHeader.SIZE + 9 + coinbase.length;
        for (byte[] tx : rawTransactions) {
            total += tx.length;
        }
        ByteWriter w = new ByteWriter(total);
        w.bytes(header.serialize()).varInt(1L + rawTransactions.size()).bytes(coinbase);
        for (byte[] tx : rawTransactions) {
            w.bytes(tx);
        }
        return w.toByteArray();
    }
}
