package org.jckpool.simnode.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Transaction;

/**
 * The coins view: unspent outputs of the active chain plus the "external" coins that the synthetic mempool
 * transactions spend (scripts are never executed, so those coins only need to exist). Connecting a block runs
 * Core's ConnectBlock input and amount checks and returns the undo data needed to disconnect it again.
 */
public final class UtxoSet {
    private final Map<Outpoint, Coin> coins = new HashMap<>();

    /** Undo data of one connected block. */
    public record Undo(List<Map.Entry<Outpoint, Coin>> spent, List<Outpoint> created, long fees) {
    }

    public Coin get(Outpoint outpoint) {
        return coins.get(outpoint);
    }

    /** Adds a coin that exists outside the simulated chain (funding a synthetic transaction). */
    public void addExternal(Outpoint outpoint, Coin coin) {
        coins.put(outpoint, coin);
    }

    public int size() {
        return coins.size();
    }

    /**
     * Connects {@code block} at {@code height}: every input must exist and be unspent ("bad-txns-inputs-missingorspent"),
     * coinbase outputs need 100 confirmations, inputs must cover outputs, sigop cost within the limit, and the
     * coinbase may claim at most subsidy + fees ("bad-cb-amount"). Nothing changes when it throws.
     */
    public Undo connect(Block block, long height) throws BlockRejected {
        return connect(block, height, true);
    }

    /** As {@link #connect(Block, long)}; with {@code apply} false only the checks run (TestBlockValidity). */
    public Undo connect(Block block, long height, boolean apply) throws BlockRejected {
        Map<Outpoint, Coin> created = new HashMap<>();
        Set<Outpoint> spentHere = new HashSet<>();
        List<Map.Entry<Outpoint, Coin>> spentFromSet = new ArrayList<>();
        long fees = 0;
        long sigOpCost = 0;
        List<Transaction> txs = block.transactions();
        for (int t = 0; t < txs.size(); t++) {
            Transaction tx = txs.get(t);
            sigOpCost += (long) SigOps.legacy(tx) * Consensus.WITNESS_SCALE_FACTOR;
            if (t > 0) {
                long valueIn = 0;
                for (Transaction.Input in : tx.inputs()) {
                    Outpoint op = Outpoint.of(in.prevHash(), in.prevIndex());
                    Coin coin = spentHere.contains(op) ? null : created.get(op);
                    boolean fromSet = false;
                    if (coin == null && !spentHere.contains(op)) {
                        coin = coins.get(op);
                        fromSet = coin != null;
                    }
                    if (coin == null) {
                        throw new BlockRejected("bad-txns-inputs-missingorspent");
                    }
                    if (coin.coinbase() && height - coin.height() < Consensus.COINBASE_MATURITY) {
                        throw new BlockRejected("bad-txns-premature-spend-of-coinbase");
                    }
                    valueIn += coin.value();
                    if (coin.value() < 0 || coin.value() > Consensus.MAX_MONEY || valueIn > Consensus.MAX_MONEY) {
                        throw new BlockRejected("bad-txns-inputvalues-outofrange");
                    }
                    if (SigOps.isP2wpkh(coin.script())) {
                        sigOpCost += 1;
                    }
                    spentHere.add(op);
                    if (fromSet) {
                        spentFromSet.add(Map.entry(op, coin));
                    } else {
                        created.remove(op);
                    }
                }
                long valueOut = totalOut(tx);
                if (valueIn < valueOut) {
                    throw new BlockRejected("bad-txns-in-belowout");
                }
                fees += valueIn - valueOut;
                if (fees > Consensus.MAX_MONEY) {
                    throw new BlockRejected("bad-txns-accumulated-fee-outofrange");
                }
            }
            if (sigOpCost > Consensus.MAX_BLOCK_SIGOPS_COST) {
                throw new BlockRejected("bad-blk-sigops");
            }
            byte[] txid = tx.txid();
            for (int i = 0; i < tx.outputs().size(); i++) {
                Transaction.Output out = tx.outputs().get(i);
                if (!isUnspendable(out.script())) {
                    created.put(Outpoint.of(txid, i), new Coin(out.value(), out.script(), height, t == 0));
                }
            }
        }
        long reward = totalOut(txs.get(0));
        if (reward > fees + Consensus.subsidy(height)) {
            throw new BlockRejected("bad-cb-amount");
        }
        if (!apply) {
            return new Undo(List.of(), List.of(), fees);
        }
        for (Map.Entry<Outpoint, Coin> spent : spentFromSet) {
            coins.remove(spent.getKey());
        }
        coins.putAll(created);
        return new Undo(spentFromSet, new ArrayList<>(created.keySet()), fees);
    }

    /** Reverses {@link #connect} for the block whose undo data this is. */
    public void disconnect(Undo undo) {
        for (Outpoint op : undo.created()) {
            coins.remove(op);
        }
        for (Map.Entry<Outpoint, Coin> spent : undo.spent()) {
            coins.put(spent.getKey(), spent.getValue());
        }
    }

    static long totalOut(Transaction tx) {
        long total = 0;
        for (Transaction.Output out : tx.outputs()) {
            total += out.value();
        }
        return total;
    }

    /** Core's CScript::IsUnspendable: OP_RETURN scripts and scripts over 10,000 bytes never enter the UTXO set. */
    static boolean isUnspendable(byte[] script) {
        return (script.length > 0 && (script[0] & 0xff) == 0x6a) || script.length > 10_000;
    }
}
