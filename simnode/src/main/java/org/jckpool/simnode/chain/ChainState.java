package org.jckpool.simnode.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.libpool.log.Log;
import org.jckpool.simnode.chain.NodeClock;
import org.jckpool.simnode.notify.TipListener;

/**
 * The block index, the active chain, the coins and the mempool of the simulated node. {@link #submit} follows
 * Core's submitblock → ProcessNewBlock path (CheckBlock, AcceptBlockHeader, ContextualCheckBlock, then
 * ActivateBestChain with ConnectBlock) and answers with Core's submitblock result. All methods are thread-safe.
 */
public final class ChainState {
    private final long bits;
    /** getblocktemplate leaves this much weight for the header and coinbase (Core's -blockreservedweight). */
    private static final int RESERVED_WEIGHT = 8_000;
    private static final int RESERVED_SIGOPS = 400;

    private final NodeClock clock;
    private final int mempoolTarget;
    private final SyntheticTransactions synthetic;
    private final Map<String, BlockEntry> index = new HashMap<>();
    private final List<BlockEntry> active = new ArrayList<>();
    private final UtxoSet utxo = new UtxoSet();
    private final Mempool mempool = new Mempool();
    private final List<TipListener> listeners = new CopyOnWriteArrayList<>();
    private long nextSequenceId = 1;
    private long nextPreciousId = -1;
    private java.math.BigInteger lastPreciousWork = java.math.BigInteger.ZERO;
    private long changeCounter;

    public ChainState(NodeClock clock, int mempoolTarget, long seed) {
        this(clock, mempoolTarget, seed, Consensus.REGTEST_BITS);
    }

    /**
     * {@code bits} is the compact target every block above genesis must carry. Real regtest uses 207fffff, where
     * every other hash is a block; a harder value (e.g. 1e00ffff) lets a demo or test tell shares from blocks.
     */
    public ChainState(NodeClock clock, int mempoolTarget, long seed, long bits) {
        this.bits = bits;
        this.clock = clock;
        this.mempoolTarget = mempoolTarget;
        this.synthetic = new SyntheticTransactions(seed);
        BlockEntry genesis = new BlockEntry(RegtestGenesis.block(), null, 0);
        genesis.fullyValidated = true;
        index.put(genesis.rpcHash(), genesis);
        active.add(genesis);
        topUpMempool();
    }

    /** A consistent view for building a block template on the current tip. */
    /** The compact target of blocks on this chain. */
    public long bits() {
        return bits;
    }

    public record TemplateSnapshot(BlockEntry tip, List<MempoolTx> transactions, long minTime, String longPollId,
                                   long bits) {
        public long height() {
            return tip.height() + 1;
        }

        public long fees() {
            long total = 0;
            for (MempoolTx tx : transactions) {
                total += tx.fee();
            }
            return total;
        }
    }

    public void addTipListener(TipListener listener) {
        listeners.add(listener);
    }

    public synchronized BlockEntry tip() {
        return active.get(active.size() - 1);
    }

    public synchronized long height() {
        return active.size() - 1L;
    }

    public synchronized BlockEntry byRpcHash(String rpcHash) {
        return index.get(rpcHash.toLowerCase(java.util.Locale.ROOT));
    }

    /** The active-chain block at {@code height}, or null. */
    public synchronized BlockEntry atHeight(long height) {
        return height >= 0 && height < active.size() ? active.get((int) height) : null;
    }

    public synchronized boolean isActive(BlockEntry entry) {
        return entry.height() < active.size() && active.get((int) entry.height()) == entry;
    }

    /** The active-chain successor of {@code entry}, or null. */
    public synchronized BlockEntry next(BlockEntry entry) {
        return isActive(entry) ? atHeight(entry.height() + 1) : null;
    }

    public synchronized List<MempoolTx> mempool() {
        return mempool.transactions();
    }

    public NodeClock clock() {
        return clock;
    }

    /** Core's longpollid: tip hash and a counter of tip/mempool changes. */
    public synchronized String longPollId() {
        return tip().rpcHash() + changeCounter;
    }

    /** Blocks until the long-poll id differs from {@code longPollId} or {@code maxMillis} pass. */
    public synchronized void awaitChange(String longPollId, long maxMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMillis;
        while (longPollId.equals(longPollId())) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    /** Wakes long pollers, e.g. when the node stops. */
    public synchronized void wakeAll() {
        notifyAll();
    }

    public synchronized TemplateSnapshot templateSnapshot() {
        BlockEntry tip = tip();
        List<MempoolTx> selected = new ArrayList<>();
        long weight = RESERVED_WEIGHT;
        long sigOps = RESERVED_SIGOPS;
        for (MempoolTx tx : mempool.transactions()) {
            if (weight + tx.weight() > Consensus.MAX_BLOCK_WEIGHT
                    || sigOps + tx.sigOpCost() > Consensus.MAX_BLOCK_SIGOPS_COST) {
                break;
            }
            weight += tx.weight();
            sigOps += tx.sigOpCost();
            selected.add(tx);
        }
        return new TemplateSnapshot(tip, selected, tip.medianTimePast() + 1, longPollId(), bits);
    }

    /**
     * submitblock: null when the block became (part of) the active chain, otherwise Core's result string —
     * "duplicate", "duplicate-invalid", "inconclusive" or a reject reason. The caller has already checked that
     * the block decodes and starts with a coinbase (those are RPC errors in Core).
     */
    public synchronized String submit(Block submitted) {
        Block block = submitted;
        String rpcHash = Hex.encode(Hex.reverse(block.header().hash()));
        BlockEntry existing = index.get(rpcHash);
        if (existing != null) {
            if (existing.fullyValidated) {
                return "duplicate";
            }
            if (inFailedChain(existing)) {
                return "duplicate-invalid";
            }
        }
        BlockEntry parent = index.get(Hex.encode(Hex.reverse(block.header().prevHash())));
        if (parent != null) {
            block = addMissingWitnessNonce(block);
        }
        String reason = BlockChecks.checkBlock(block);
        if (reason != null) {
            return reason;
        }
        if (existing != null) {
            return "duplicate";
        }
        if (parent == null) {
            return "prev-blk-not-found";
        }
        if (inFailedChain(parent)) {
            return "bad-prevblk";
        }
        reason = BlockChecks.checkHeaderInContext(block.header(), parent, clock.now(), bits);
        if (reason != null) {
            return reason;
        }
        reason = BlockChecks.checkBlockInContext(block, parent);
        if (reason != null) {
            if (!BlockChecks.isMutation(reason)) {
                BlockEntry failed = new BlockEntry(block, parent, nextSequenceId++);
                failed.failReason = reason;
                index.put(failed.rpcHash(), failed);
            }
            return reason;
        }
        BlockEntry entry = new BlockEntry(block, parent, nextSequenceId++);
        index.put(entry.rpcHash(), entry);
        activateBestChain();
        if (entry.isFailed()) {
            return entry.failReason();
        }
        return isActive(entry) ? null : "inconclusive";
    }

    /**
     * getblocktemplate "proposal" mode: Core's answer for a block built on the tip, checked without proof of work
     * and without being stored.
     */
    public synchronized String testProposal(Block block) {
        BlockEntry existing = index.get(Hex.encode(Hex.reverse(block.header().hash())));
        if (existing != null) {
            if (existing.fullyValidated) {
                return "duplicate";
            }
            return inFailedChain(existing) ? "duplicate-invalid" : "duplicate-inconclusive";
        }
        BlockEntry tip = tip();
        if (!java.util.Arrays.equals(block.header().prevHash(), tip.hash())) {
            return "inconclusive-not-best-prevblk";
        }
        String reason = BlockChecks.checkHeaderInContext(block.header(), tip, clock.now(), bits);
        if (reason == null) {
            reason = BlockChecks.checkBlock(block, false);
        }
        if (reason == null) {
            reason = BlockChecks.checkBlockInContext(block, tip);
        }
        if (reason == null) {
            try {
                utxo.connect(block, tip.height() + 1, false);
            } catch (BlockRejected rejected) {
                reason = rejected.reason();
            }
        }
        return reason;
    }

    /** preciousblock: treat {@code entry} as if it arrived before its equal-work competitors. */
    public synchronized void precious(BlockEntry entry) {
        BlockEntry tip = tip();
        if (entry.chainWork().compareTo(tip.chainWork()) < 0) {
            return;
        }
        if (entry.chainWork().compareTo(lastPreciousWork) > 0) {
            nextPreciousId = -1;
        }
        lastPreciousWork = entry.chainWork();
        entry.sequenceId = nextPreciousId--;
        activateBestChain();
    }

    /** Core's UpdateUncommittedBlockStructures: a commitment without a coinbase witness gets the zero nonce. */
    private static Block addMissingWitnessNonce(Block block) {
        Transaction coinbase = block.transactions().get(0);
        if (BlockChecks.witnessCommitmentIndex(coinbase) < 0 || coinbase.hasWitness()
                || !coinbase.isCoinbase()) {
            return block;
        }
        List<Transaction.Input> inputs = new ArrayList<>(coinbase.inputs());
        Transaction.Input in = inputs.get(0);
        inputs.set(0, new Transaction.Input(in.prevHash(), in.prevIndex(), in.scriptSig(), in.sequence(),
                List.of(new byte[32])));
        List<Transaction> txs = new ArrayList<>(block.transactions());
        txs.set(0, new Transaction(coinbase.version(), inputs, coinbase.outputs(), coinbase.lockTime()));
        return new Block(block.header(), txs);
    }

    private boolean inFailedChain(BlockEntry entry) {
        for (BlockEntry e = entry; e != null && !isActive(e); e = e.parent()) {
            if (e.isFailed()) {
                return true;
            }
        }
        return false;
    }

    private BlockEntry bestCandidate() {
        BlockEntry best = tip();
        for (BlockEntry e : index.values()) {
            int byWork = e.chainWork().compareTo(best.chainWork());
            if ((byWork > 0 || byWork == 0 && e.sequenceId < best.sequenceId) && !inFailedChain(e)) {
                best = e;
            }
        }
        return best;
    }

    private void activateBestChain() {
        BlockEntry startTip = tip();
        List<Transaction> returning = new ArrayList<>();
        while (true) {
            BlockEntry best = bestCandidate();
            if (best == tip()) {
                break;
            }
            BlockEntry fork = best.ancestor(best.height());
            while (!isActive(fork)) {
                fork = fork.parent();
            }
            List<List<Transaction>> disconnected = new ArrayList<>();
            while (tip() != fork) {
                BlockEntry top = active.remove(active.size() - 1);
                utxo.disconnect(top.undo);
                top.undo = null;
                List<Transaction> txs = top.block().transactions();
                disconnected.add(0, txs.subList(1, txs.size()));
            }
            disconnected.forEach(returning::addAll);
            List<BlockEntry> path = new ArrayList<>();
            for (BlockEntry e = best; e != fork; e = e.parent()) {
                path.add(0, e);
            }
            for (BlockEntry e : path) {
                try {
                    e.undo = utxo.connect(e.block(), e.height());
                    e.fullyValidated = true;
                    active.add(e);
                } catch (BlockRejected rejected) {
                    e.failReason = rejected.reason();
                    Log.info("block %s invalid: %s", e.rpcHash(), rejected.reason());
                    break;
                }
            }
        }
        if (tip() != startTip) {
            mempool.revalidate(utxo, returning);
            topUpMempool();
            changeCounter++;
            notifyAll();
            BlockEntry tip = tip();
            Log.info("new tip %s height %s", tip.rpcHash(), tip.height());
            for (TipListener listener : listeners) {
                try {
                    listener.newTip(tip.rpcHash(), tip.height());
                } catch (RuntimeException e) {
                    Log.warning("tip listener failed: %s", e);
                }
            }
        }
    }

    private void topUpMempool() {
        while (mempool.size() < mempoolTarget) {
            mempool.add(synthetic.create(utxo));
        }
    }

    /** Adds {@code count} fresh synthetic transactions now (admin RPC), beyond the usual target. */
    public synchronized void addSyntheticTransactions(int count) {
        for (int i = 0; i < count; i++) {
            mempool.add(synthetic.create(utxo));
        }
        changeCounter++;
        notifyAll();
    }
}
