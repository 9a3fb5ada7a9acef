package org.jckpool.ckdb.payout;

import java.util.Map;
import java.util.TreeMap;

/**
 * Collects accepted share difficulty walking backwards from the block's last share until the window
 * (N × network difficulty) is full. The share that crosses the window's edge counts only for the part inside it.
 */
public final class PplnsWindow {
    private final double window;
    private final Map<String, Double> diffByUser = new TreeMap<>();
    private double counted;
    private long oldestShareId = -1;

    public PplnsWindow(double pplnsN, double networkDifficulty) {
        if (!(pplnsN > 0) || !(networkDifficulty > 0)) {
            throw new IllegalArgumentException("PPLNS N and network difficulty must be positive");
        }
        this.window = pplnsN * networkDifficulty;
    }

    /** Adds a share (newest first). @return false once the window is full and later calls would be ignored */
    public boolean add(long shareId, String username, double diff) {
        if (isFull()) {
            return false;
        }
        double take = Math.min(diff, window - counted);
        diffByUser.merge(username, take, Double::sum);
        counted += take;
        oldestShareId = shareId;
        return !isFull();
    }

    public boolean isFull() {
        return counted >= window;
    }

    public double window() {
        return window;
    }

    /** Difficulty counted, equal to the window unless the pool has fewer shares than that. */
    public double counted() {
        return counted;
    }

    public long oldestShareId() {
        return oldestShareId;
    }

    /** Per user, sorted by name. */
    public Map<String, Double> diffByUser() {
        return diffByUser;
    }
}
