package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw transactions a node has had from its upstream ({@code transactions} messages), by txid. The txid is
 * computed from the data: ckpool's upstream names a transaction by its getblocktemplate {@code hash} (the wtxid)
 * while a workinfo lists txids. Bounded: the least recently used are dropped beyond {@link #MAX}.
 */
final class NodeTransactions {
    static final int MAX = 200_000;

    private final Map<String, String> byTxid = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    /** Adds the {@code transaction} array of a message; returns how many were new, or -1 for a bad message. */
    synchronized int add(JsonNode message) {
        JsonNode arr = message.path("transaction");
        if (!arr.isArray()) {
            return -1;
        }
        int added = 0;
        for (JsonNode t : arr) {
            String data = t.path("data").asText("");
            String txid;
            try {
                txid = Hex.toRpc(Transaction.parseHex(data).txid());
            } catch (IllegalArgumentException e) {
                continue; // a transaction that does not parse cannot go in a block
            }
            if (byTxid.put(txid, data) == null) {
                added++;
            }
        }
        return added;
    }

    /** The data of each txid in order, or null when any is missing (the missing ones are added to {@code missing}). */
    synchronized List<String> dataOf(List<String> txids, List<String> missing) {
        List<String> out = new ArrayList<>(txids.size());
        for (String id : txids) {
            String d = byTxid.get(id);
            if (d == null) {
                missing.add(id);
            } else {
                out.add(d);
            }
        }
        return missing.isEmpty() ? out : null;
    }

    /** Adds one transaction fetched from elsewhere (the local bitcoind). */
    synchronized void put(String txid, String data) {
        byTxid.put(txid, data);
    }

    synchronized int size() {
        return byTxid.size();
    }
}
