package org.jckpool.stratifier.share;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One submission per tip at a time. On a chain easier than the pool's share difficulty (regtest, signet,
 * testnet4's 20-minute blocks) every share is a block solution; sending each would flood the node's RPC queue
 * (Core answers 503 once 16 threads and 64 queued requests are taken) and real solutions would go unanswered.
 *
 * <p>The first solution on a tip goes to the node(s). While it is in flight, and once a node accepted a block on
 * that tip, further solutions on it are {@code DUPLICATE_HEIGHT}; solutions on a superseded tip are
 * {@code STALE}. When the node refuses the submitted one or none answers, the tip is open again for the next
 * solution. Thread-safe.
 */
public final class SolutionGate implements BlockSubmitter {
    /** Tips remembered (the current one and a few before it). */
    static final int TIPS_KEPT = 16;

    private enum TipState { IN_FLIGHT, ACCEPTED, OPEN }

    private final Consumer<BlockSolution> sender;
    private final Map<String, TipState> tips = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TipState> eldest) {
            return size() > TIPS_KEPT;
        }
    };
    /** Block hash → tip, for the solutions in flight. */
    private final Map<String, String> inFlight = new HashMap<>();

    /**
     * @param sender makes a solution durable and hands it to the generator; called under the gate's lock before
     *               {@link #submit} returns, so before the miner is answered. Must not wait on other processes.
     */
    public SolutionGate(Consumer<BlockSolution> sender) {
        this.sender = sender;
    }

    @Override
    public synchronized SolutionOutcome submit(BlockSolution s) {
        if (s.stale()) {
            return SolutionOutcome.STALE;
        }
        TipState state = tips.get(s.prevHash());
        if (state == TipState.IN_FLIGHT || state == TipState.ACCEPTED) {
            return SolutionOutcome.DUPLICATE_HEIGHT;
        }
        tips.put(s.prevHash(), TipState.IN_FLIGHT);
        inFlight.put(s.hash(), s.prevHash());
        sender.accept(s);
        return SolutionOutcome.SUBMITTED;
    }

    /**
     * Sends a solution found before a restart (from the solutions journal) whose tip is still current, whatever
     * the gate holds for that tip: it was the one chosen for it then.
     */
    public synchronized void resubmit(BlockSolution s) {
        tips.put(s.prevHash(), TipState.IN_FLIGHT);
        inFlight.put(s.hash(), s.prevHash());
        sender.accept(s);
    }

    /** The node's answer for a submitted solution (ACCEPTED, REJECTED or LOST). */
    public synchronized void result(String hash, SolutionOutcome outcome) {
        String tip = inFlight.remove(hash);
        if (tip != null && tips.containsKey(tip)) {
            tips.put(tip, outcome == SolutionOutcome.ACCEPTED ? TipState.ACCEPTED : TipState.OPEN);
        }
    }

    /** Solutions sent and not answered yet. */
    public synchronized int inFlight() {
        return inFlight.size();
    }
}
