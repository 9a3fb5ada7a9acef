package org.jckpool.stratifier.ckdb;

import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.Authoriser;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * mining.authorize through ckdb, off the engine's caller thread: the connector stream's single reader thread
 * feeds every client to the engine, so a blocking ckdb request there would stall all miners. The request runs
 * on a small pool of its own and the decision re-enters the engine, which has held that client's later requests
 * meanwhile (its replies keep their order; other clients carry on).
 *
 * <p>Rules: ckdb answers → its decision, and its {@code difficultydefault} (when above 0) becomes the worker's
 * start and floor difficulty. ckdb unreachable → a user.worker ckdb authorised before is accepted from the
 * client's cache with the last known default difficulty; a worker never seen is refused (as ckpool did with
 * ckdb down), with a "try again later" reason so that the miner retries.
 */
public final class CkdbAuthoriser implements Authoriser {
    private final CkdbClient client;
    private final ExecutorService executor;

    public CkdbAuthoriser(CkdbClient client, ExecutorService executor) {
        this.client = client;
        this.executor = executor;
    }

    @Override
    public void authorise(Request r, Consumer<Decision> done) {
        try {
            executor.execute(() -> done.accept(decide(r)));
        } catch (RejectedExecutionException e) {
            done.accept(Decision.refuse("Pool is shutting down"));
        }
    }

    Decision decide(Request r) {
        Optional<CkdbClient.Auth> auth;
        try {
            auth = client.authorise(r.user(), r.worker(), r.clientId(), r.userAgent());
        } catch (RuntimeException e) {
            Log.err("ckdb authorise of %s failed: %s", r.worker(), e);
            return Decision.refuse("Authorisation failed, try again later");
        }
        if (auth.isEmpty()) {
            return client.connected() ? Decision.refuse("Unknown user " + r.user())
                    : Decision.refuse("Pool database unavailable, try again later");
        }
        CkdbClient.Auth a = auth.get();
        if (a.fromCache()) {
            Log.notice("ckdb unreachable: worker %s authorised from the cache", r.worker());
        }
        return Decision.allow(a.difficultyDefault() > 0 ? a.difficultyDefault() : 0);
    }
}
