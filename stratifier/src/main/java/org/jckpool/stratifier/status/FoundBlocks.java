package org.jckpool.stratifier.status;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.webapi.view.BlockStatus;
import org.jckpool.webapi.view.FoundBlock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Block solutions of this pool, newest last internally, with who solved them and their outcome: one record per
 * block hash (a share sent twice is one solution).
 */
public final class FoundBlocks {
    static final int KEEP = 1000;

    private final Map<String, FoundBlock> byHash = new LinkedHashMap<>();
    private long submitted;

    /**
     * A share met the network target (from the share path); {@code outcome} is what the gate made of it.
     *
     * @return true for a new solution, false when this block hash was recorded before
     */
    public synchronized boolean solved(String hash, long height, String worker, Instant at, SolutionOutcome outcome) {
        if (byHash.containsKey(hash)) {
            return false;
        }
        byHash.put(hash, new FoundBlock(height, hash, at, status(outcome), worker));
        if (outcome == SolutionOutcome.SUBMITTED) {
            submitted++;
        }
        trim();
        return true;
    }

    /** The node's verdict (ACCEPTED, REJECTED or LOST); returns the updated record. */
    public synchronized FoundBlock result(String hash, long height, SolutionOutcome outcome, Instant at) {
        FoundBlock old = byHash.get(hash);
        BlockStatus status = status(outcome);
        FoundBlock b = old == null ? new FoundBlock(height, hash, at, status, null)
                : new FoundBlock(old.height(), hash, old.time(), status, old.worker());
        byHash.put(hash, b);
        trim();
        return b;
    }

    static BlockStatus status(SolutionOutcome outcome) {
        return switch (outcome) {
            case SUBMITTED -> BlockStatus.SUBMITTED;
            case ACCEPTED -> BlockStatus.ACCEPTED;
            case REJECTED -> BlockStatus.REJECTED;
            case DUPLICATE_HEIGHT -> BlockStatus.DUPLICATE_HEIGHT;
            case STALE -> BlockStatus.STALE;
            case LOST -> BlockStatus.LOST;
        };
    }

    /** Newest first. */
    public synchronized List<FoundBlock> newestFirst() {
        List<FoundBlock> l = new ArrayList<>(byHash.values());
        Collections.reverse(l);
        return List.copyOf(l);
    }

    /** Solutions sent to the node(s) since start (not those held back as stale or duplicate-height). */
    public synchronized long submitted() {
        return submitted;
    }

    public synchronized long accepted() {
        return byHash.values().stream().filter(b -> b.status() == BlockStatus.ACCEPTED).count();
    }

    private void trim() {
        var it = byHash.keySet().iterator();
        while (byHash.size() > KEEP && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
