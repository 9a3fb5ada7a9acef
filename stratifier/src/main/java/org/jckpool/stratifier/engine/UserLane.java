package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.share.BlockSubmitter;
import org.jckpool.stratifier.share.ShareChecker;
import org.jckpool.stratifier.share.UpstreamForwarder;
import org.jckpool.stratifier.work.JobBook;

/**
 * User proxy mode: one user's work (the jobs of that user's upstream session) and the checker for its shares.
 * Job ids are only looked up in the lane of the miner's user, so lanes may reuse each other's ids.
 */
record UserLane(JobBook jobs, ShareChecker checker) {
    static UserLane create(long nowMillis, long graceMillis, int nonce2Length, BlockSubmitter submitter,
                           UpstreamForwarder forwarder) {
        JobBook jobs = new JobBook(nowMillis, graceMillis);
        return new UserLane(jobs, new ShareChecker(jobs, nonce2Length, submitter, forwarder));
    }
}
