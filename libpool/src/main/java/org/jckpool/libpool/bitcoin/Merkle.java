package org.jckpool.libpool.bitcoin;

import java.util.ArrayList;
import java.util.List;

/** Merkle root and the coinbase (leaf 0) branch; odd levels pair their last hash with itself. */
public final class Merkle {
    private Merkle() {
    }

    /** Merkle root of internal-order leaves; at least one leaf. */
    public static byte[] root(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("merkle root of an empty list");
        }
        List<byte[]> level = new ArrayList<>(leaves);
        while (level.size() > 1) {
            if ((level.size() & 1) != 0) {
                level.add(level.get(level.size() - 1));
            }
            List<byte[]> next = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(Sha256d.hashPair(level.get(i), level.get(i + 1)));
            }
            level = next;
        }
        return level.get(0).clone();
    }

    /**
     * The branch of leaf 0 (the coinbase) given the other txids in template order: the sibling hash at each level,
     * bottom-up. Empty when there are no other transactions.
     */
    public static List<byte[]> coinbaseBranch(List<byte[]> txidsWithoutCoinbase) {
        List<byte[]> branch = new ArrayList<>();
        List<byte[]> level = new ArrayList<>(txidsWithoutCoinbase.size() + 2);
        level.add(null); // the unknown coinbase txid
        level.addAll(txidsWithoutCoinbase);
        while (level.size() > 1) {
            branch.add(level.get(1).clone());
            if ((level.size() & 1) != 0) {
                level.add(level.get(level.size() - 1));
            }
            List<byte[]> next = new ArrayList<>(level.size() / 2);
            next.add(null);
            for (int i = 2; i < level.size(); i += 2) {
                next.add(Sha256d.hashPair(level.get(i), level.get(i + 1)));
            }
            level = next;
        }
        return branch;
    }

    /** Root from the coinbase txid and its branch: fold H(acc ‖ b) over the branch. */
    public static byte[] rootFromBranch(byte[] coinbaseTxid, List<byte[]> branch) {
        byte[] acc = coinbaseTxid.clone();
        for (byte[] b : branch) {
            acc = Sha256d.hashPair(acc, b);
        }
        return acc;
    }
}
