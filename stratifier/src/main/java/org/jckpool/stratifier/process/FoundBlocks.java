package org.jckpool.stratifier.process;

import org.jckpool.webapi.view.BlockStatus;
import org.jckpool.webapi.view.FoundBlock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Blocks this pool solved, newest last internally, with who solved them and what the node said. */
public final class FoundBlocks {
    static final int KEEP = 1000;

    private final Map<String, FoundBlock> byHash = new LinkedHashMap<>();

    /** A share met the network target (from the share path). */
    public synchronized void solved(String hash, long height, String worker, Instant at) {
        FoundBlock old = byHash.get(hash);
        if (old == null) {
            byHash.put(hash, new FoundBlock(height, hash, at, BlockStatus.SUBMITTED, worker));
            trim();
        } else if (old.worker() == null && worker != null) {
            byHash.put(hash, new FoundBlock(old.height(), hash, old.time(), old.status(), worker));
        }
    }

    /** The node's verdict; returns the updated record. */
    public synchronized FoundBlock result(String hash, long height, boolean accepted, Instant at) {
        FoundBlock old = byHash.get(hash);
        BlockStatus status = accepted ? BlockStatus.ACCEPTED : BlockStatus.REJECTED;
        FoundBlock b = old == null ? new FoundBlock(height, hash, at, status, null)
                : new FoundBlock(old.height(), hash, old.time(), status, old.worker());
        byHash.put(hash, b);
        trim();
        return b;
    }

    /** Newest first. */
    public synchronized List<FoundBlock> newestFirst() {
        List<FoundBlock> l = new ArrayList<>(byHash.values());
        java.util.Collections.reverse(l);
        return List.copyOf(l);
    }

    public synchronized long count() {
        return byHash.size();
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
