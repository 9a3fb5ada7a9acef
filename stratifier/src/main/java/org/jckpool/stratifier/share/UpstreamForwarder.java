package org.jckpool.stratifier.share;

import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.work.Job;

/**
 * Proxy mode: takes an accepted share that also meets the upstream's difficulty, to submit it upstream. Called on
 * the share path under the session's monitor: must not block.
 *
 * @param blockCandidate the hash also meets the network target (the upstream pool submits the block)
 */
public interface UpstreamForwarder {
    void forward(ClientSession s, Job job, SubmitParams p, double shareDiff, boolean blockCandidate);

    /** User proxy mode: {@code user} now has {@code miners} authorised connections (0: its session may idle out). */
    default void userMiners(String user, int miners) {
    }
}
