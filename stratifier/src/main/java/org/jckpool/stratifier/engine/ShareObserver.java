package org.jckpool.stratifier.engine;

import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.ShareResult;

/**
 * Hears of every mining.submit the engine judged, accepted or not (share log, metrics). Runs on the share path
 * under the session's monitor: must be quick and must not call back into the engine.
 */
@FunctionalInterface
public interface ShareObserver {
    ShareObserver NONE = (session, result, nowMillis) -> {
    };

    void onShare(ClientSession session, ShareResult result, long nowMillis);
}
