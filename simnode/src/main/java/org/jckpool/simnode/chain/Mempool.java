package org.jckpool.simnode.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;

/**
 * Transactions waiting for a block, in arrival order. After every tip change it drops what is confirmed or
 * conflicted, takes back transactions of disconnected blocks, and is topped up with synthetic ones.
 */
public final class Mempool {
    private final LinkedHashMap<String, MempoolTx> entries = new LinkedHashMap<>();

    public List<MempoolTx> transactions() {
        return List.copyOf(entries.values());
    }

    public int size() {
        return entries.size();
    }

    public void add(MempoolTx tx) {
        entries.put(Hex.encode(tx.txid()), tx);
    }

    /**
     * Re-checks every entry against {@code utxo}: a transaction stays when each input is an unspent coin or an
     * output of an earlier kept entry, and no earlier entry spends the same coin. {@code returning} (transactions of
     * disconnected blocks, coinbases excluded) go first, as Core re-adds them.
     */
    public void revalidate(UtxoSet utxo, List<Transaction> returning) {
        List<MempoolTx> candidates = new ArrayList<>();
        for (Transaction tx : returning) {
            candidates.add(withFee(tx, utxo, entries));
        }
        candidates.addAll(entries.values());
        entries.clear();
        Map<Outpoint, Long> mempoolOutputs = new HashMap<>();
        Set<Outpoint> spent = new HashSet<>();
        for (MempoolTx candidate : candidates) {
            if (candidate == null || entries.containsKey(Hex.encode(candidate.txid()))) {
                continue;
            }
            boolean ok = true;
            for (Transaction.Input in : candidate.tx().inputs()) {
                Outpoint op = Outpoint.of(in.prevHash(), in.prevIndex());
                if (spent.contains(op) || (utxo.get(op) == null && !mempoolOutputs.containsKey(op))) {
                    ok = false;
                    break;
                }
            }
            if (!ok) {
                continue;
            }
            for (Transaction.Input in : candidate.tx().inputs()) {
                spent.add(Outpoint.of(in.prevHash(), in.prevIndex()));
            }
            for (int i = 0; i < candidate.tx().outputs().size(); i++) {
                mempoolOutputs.put(Outpoint.of(candidate.txid(), i), candidate.tx().outputs().get(i).value());
            }
            entries.put(Hex.encode(candidate.txid()), candidate);
        }
    }

    /** Fee of a returning transaction from the coins it spends; null when an input is unknown. */
    private static MempoolTx withFee(Transaction tx, UtxoSet utxo, Map<String, MempoolTx> current) {
        long valueIn = 0;
        int witnessSigOps = 0;
        for (Transaction.Input in : tx.inputs()) {
            Outpoint op = Outpoint.of(in.prevHash(), in.prevIndex());
            Coin coin = utxo.get(op);
            if (coin == null) {
                return null;
            }
            valueIn += coin.value();
            if (SigOps.isP2wpkh(coin.script())) {
                witnessSigOps++;
            }
        }
        long fee = valueIn - UtxoSet.totalOut(tx);
        if (fee < 0) {
            return null;
        }
        return MempoolTx.of(tx, fee, SigOps.legacy(tx) * Consensus.WITNESS_SCALE_FACTOR + witnessSigOps);
    }
}
