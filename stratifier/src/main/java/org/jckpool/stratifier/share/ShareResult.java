package org.jckpool.stratifier.share;

import org.jckpool.stratifier.work.Job;

/**
 * What became of a submitted share. {@code reason} is null for an accepted share. {@code shareDiff} is the
 * difficulty the hash achieved (0 when the share was refused before hashing); {@code assignedDiff} the
 * difficulty it was judged at; {@code blockHash} the RPC-order hash when it solved a block, else null, and
 * {@code solution} what the {@link BlockSubmitter} made of that block (SUBMITTED, STALE or DUPLICATE_HEIGHT).
 */
public record ShareResult(RejectReason reason, Job job, double assignedDiff, double shareDiff, String blockHash,
                          SolutionOutcome solution) {
    public boolean accepted() {
        return reason == null;
    }

    /** Hashed with a good proof of work but refused as stale (counts for vardiff as in ckpool). */
    public boolean staleButValid() {
        return reason == RejectReason.STALE && shareDiff >= assignedDiff;
    }

    static ShareResult reject(RejectReason r) {
        return new ShareResult(r, null, 0, 0, null, null);
    }
}
