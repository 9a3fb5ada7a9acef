package org.jckpool.stratifier.share;

import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.work.Job;

/**
 * Hears of each share that solves a block of the pool's own work, with what rebuilds it elsewhere: the miner's
 * extranonce1 (from the session), the share's fields and the header version (BIP310 bits applied). Mining nodes
 * get it as ckpool's {@code block} message. Called on the share path: must not block.
 */
@FunctionalInterface
public interface SolvedShareObserver {
    SolvedShareObserver NONE = (s, job, p, version, diff) -> {
    };

    void solved(ClientSession session, Job job, SubmitParams params, long version, double shareDiff);
}
