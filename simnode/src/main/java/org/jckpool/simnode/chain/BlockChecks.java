package org.jckpool.simnode.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Merkle;
import org.jckpool.libpool.bitcoin.Script;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.libpool.bitcoin.Witness;

/**
 * Bitcoin Core's block checks, in Core's order and with Core's reject reasons: {@link #checkBlock} is
 * CheckBlock (context-free), {@link #checkHeaderInContext} is ContextualCheckBlockHeader and
 * {@link #checkBlockInContext} is ContextualCheckBlock. ConnectBlock's checks live in {@link UtxoSet#connect}.
 */
public final class BlockChecks {
    /** Reasons Core files as BLOCK_MUTATED: the header may be fine, so the block is not marked invalid. */
    private static final Set<String> MUTATION_REASONS = Set.of("bad-txnmrklroot", "bad-txns-duplicate",
            "bad-witness-nonce-size", "bad-witness-merkle-match", "unexpected-witness");

    private static final BigInteger POW_LIMIT = Target.fromCompact(Consensus.REGTEST_BITS);
    private static final int COMMITMENT_SCRIPT_SIZE = 38;

    private BlockChecks() {
    }

    public static boolean isMutation(String reason) {
        return MUTATION_REASONS.contains(reason);
    }

    /** CheckProofOfWork: bits must decode to a positive target within the regtest limit, hash ≤ target. */
    public static boolean checkProofOfWork(byte[] hash, long bits) {
        BigInteger target;
        try {
            target = Target.fromCompact(bits);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (target.signum() == 0 || target.compareTo(POW_LIMIT) > 0) {
            return false;
        }
        return Target.meets(hash, target);
    }

    /** CheckBlock. Returns null when the block passes. */
    public static String checkBlock(Block block) {
        return checkBlock(block, true);
    }

    /** CheckBlock; block proposals skip the proof of work ({@code checkPow} false). */
    public static String checkBlock(Block block, boolean checkPow) {
        BlockHeader header = block.header();
        if (checkPow && !checkProofOfWork(header.hash(), header.bits())) {
            return "high-hash";
        }
        List<Transaction> txs = block.transactions();
        if (!txs.isEmpty()) {
            List<byte[]> txids = new ArrayList<>(txs.size());
            for (Transaction tx : txs) {
                txids.add(tx.txid());
            }
            if (!Arrays.equals(Merkle.root(txids), header.merkleRoot())) {
                return "bad-txnmrklroot";
            }
            if (merkleMutated(txids)) {
                return "bad-txns-duplicate";
            }
        }
        if (txs.isEmpty() || (long) txs.size() * Consensus.WITNESS_SCALE_FACTOR > Consensus.MAX_BLOCK_WEIGHT
                || (long) block.serialize(false).length * Consensus.WITNESS_SCALE_FACTOR > Consensus.MAX_BLOCK_WEIGHT) {
            return "bad-blk-length";
        }
        if (!txs.get(0).isCoinbase()) {
            return "bad-cb-missing";
        }
        for (int i = 1; i < txs.size(); i++) {
            if (txs.get(i).isCoinbase()) {
                return "bad-cb-multiple";
            }
        }
        for (Transaction tx : txs) {
            String reason = checkTransaction(tx);
            if (reason != null) {
                return reason;
            }
        }
        long sigOps = 0;
        for (Transaction tx : txs) {
            sigOps += SigOps.legacy(tx);
        }
        if (sigOps * Consensus.WITNESS_SCALE_FACTOR > Consensus.MAX_BLOCK_SIGOPS_COST) {
            return "bad-blk-sigops";
        }
        return null;
    }

    /** CheckTransaction (consensus/tx_check.cpp). */
    public static String checkTransaction(Transaction tx) {
        if (tx.inputs().isEmpty()) {
            return "bad-txns-vin-empty";
        }
        if (tx.outputs().isEmpty()) {
            return "bad-txns-vout-empty";
        }
        if ((long) tx.serialize(false).length * Consensus.WITNESS_SCALE_FACTOR > Consensus.MAX_BLOCK_WEIGHT) {
            return "bad-txns-oversize";
        }
        long total = 0;
        for (Transaction.Output out : tx.outputs()) {
            if (out.value() < 0) {
                return "bad-txns-vout-negative";
            }
            if (out.value() > Consensus.MAX_MONEY) {
                return "bad-txns-vout-toolarge";
            }
            total += out.value();
            if (total > Consensus.MAX_MONEY) {
                return "bad-txns-txouttotal-toolarge";
            }
        }
        Set<Outpoint> seen = new HashSet<>();
        for (Transaction.Input in : tx.inputs()) {
            if (!seen.add(Outpoint.of(in.prevHash(), in.prevIndex()))) {
                return "bad-txns-inputs-duplicate";
            }
        }
        if (tx.isCoinbase()) {
            int len = tx.inputs().get(0).scriptSig().length;
            if (len < 2 || len > 100) {
                return "bad-cb-length";
            }
        } else {
            for (Transaction.Input in : tx.inputs()) {
                if (in.isCoinbase()) {
                    return "bad-txns-prevout-null";
                }
            }
        }
        return null;
    }

    /** ContextualCheckBlockHeader against the parent; {@code now} is the node clock in seconds. */
    public static String checkHeaderInContext(BlockHeader header, BlockEntry parent, long now, long expectedBits) {
        if (header.bits() != expectedBits) {
            return "bad-diffbits";
        }
        if (header.time() <= parent.medianTimePast()) {
            return "time-too-old";
        }
        if (header.time() > now + Consensus.MAX_FUTURE_BLOCK_TIME) {
            return "time-too-new";
        }
        if (header.version() < Consensus.MIN_BLOCK_VERSION) {
            return String.format("bad-version(0x%08x)", header.version());
        }
        return null;
    }

    /** ContextualCheckBlock: finality, BIP34 height, witness commitment, weight. */
    public static String checkBlockInContext(Block block, BlockEntry parent) {
        long height = parent.height() + 1;
        long lockTimeCutoff = parent.medianTimePast();
        for (Transaction tx : block.transactions()) {
            if (!isFinal(tx, height, lockTimeCutoff)) {
                return "bad-txns-nonfinal";
            }
        }
        Transaction coinbase = block.transactions().get(0);
        byte[] expected = Script.bip34Height(height);
        byte[] scriptSig = coinbase.inputs().get(0).scriptSig();
        if (scriptSig.length < expected.length
                || !Arrays.equals(expected, 0, expected.length, scriptSig, 0, expected.length)) {
            return "bad-cb-height";
        }
        String witness = checkWitness(block);
        if (witness != null) {
            return witness;
        }
        if (block.weight() > Consensus.MAX_BLOCK_WEIGHT) {
            return "bad-blk-weight";
        }
        return null;
    }

    /** Core's CheckWitnessMalleation. */
    static String checkWitness(Block block) {
        Transaction coinbase = block.transactions().get(0);
        int commitPos = witnessCommitmentIndex(coinbase);
        if (commitPos >= 0) {
            List<byte[]> stack = coinbase.inputs().get(0).witness();
            if (stack.size() != 1 || stack.get(0).length != 32) {
                return "bad-witness-nonce-size";
            }
            List<byte[]> wtxids = new ArrayList<>();
            wtxids.add(new byte[32]);
            for (int i = 1; i < block.transactions().size(); i++) {
                wtxids.add(block.transactions().get(i).wtxid());
            }
            byte[] witnessRoot = Merkle.root(wtxids);
            byte[] commitment = Sha256d.hash(concat(witnessRoot, stack.get(0)));
            byte[] script = coinbase.outputs().get(commitPos).script();
            if (!Arrays.equals(commitment, 0, 32, script, 6, 38)) {
                return "bad-witness-merkle-match";
            }
            return null;
        }
        for (Transaction tx : block.transactions()) {
            if (tx.hasWitness()) {
                return "unexpected-witness";
            }
        }
        return null;
    }

    /** Index of the last coinbase output carrying a witness commitment, or -1 (Core's GetWitnessCommitmentIndex). */
    public static int witnessCommitmentIndex(Transaction coinbase) {
        int found = -1;
        List<Transaction.Output> outputs = coinbase.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            byte[] script = outputs.get(i).script();
            if (script.length >= COMMITMENT_SCRIPT_SIZE
                    && Arrays.equals(script, 0, 6, Witness.COMMITMENT_PREFIX, 0, 6)) {
                found = i;
            }
        }
        return found;
    }

    /** IsFinalTx with BIP113's median-time-past cutoff. */
    static boolean isFinal(Transaction tx, long height, long timeCutoff) {
        long lockTime = tx.lockTime();
        if (lockTime == 0) {
            return true;
        }
        if (lockTime < (lockTime < Consensus.LOCKTIME_THRESHOLD ? height : timeCutoff)) {
            return true;
        }
        for (Transaction.Input in : tx.inputs()) {
            if (in.sequence() != 0xffffffffL) {
                return false;
            }
        }
        return true;
    }

    /**
     * Core's ComputeMerkleRoot "mutated" flag: at any level, two identical adjacent hashes at an even position
     * mean another transaction list hashes to the same root (CVE-2012-2459).
     */
    static boolean merkleMutated(List<byte[]> leaves) {
        List<byte[]> level = new ArrayList<>(leaves);
        while (level.size() > 1) {
            for (int i = 0; i + 1 < level.size(); i += 2) {
                if (Arrays.equals(level.get(i), level.get(i + 1))) {
                    return true;
                }
            }
            if ((level.size() & 1) != 0) {
                level.add(level.get(level.size() - 1));
            }
            List<byte[]> next = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(Sha256d.hash(concat(level.get(i), level.get(i + 1))));
            }
            level = next;
        }
        return false;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
