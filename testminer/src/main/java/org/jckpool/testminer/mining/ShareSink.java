package org.jckpool.testminer.mining;

import org.jckpool.testminer.work.FoundShare;

/** Receives shares from the hashing threads (called on those threads). */
interface ShareSink {
    void onShare(FoundShare share);
}
