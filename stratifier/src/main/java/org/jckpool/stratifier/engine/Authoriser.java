package org.jckpool.stratifier.engine;

import java.util.function.Consumer;

/**
 * Decides whether a worker may mine (ckdb in the real process). The engine asks on the first
 * {@code mining.authorize} of a connection and holds that connection's later requests until the decision
 * arrives, so its replies stay in order while other connections carry on.
 */
@FunctionalInterface
public interface Authoriser {
    /**
     * Must not block: calls {@code done} exactly once, from any thread (this one included). A decision that comes
     * after the engine gave up waiting is ignored.
     */
    void authorise(Request request, Consumer<Decision> done);

    /**
     * What is being authorised; {@code worker} is the full name as the miner sent it, {@code password} its second
     * param ("" without one), {@code idJson} the request's id as JSON, {@code extranonce1} hex ("" unknown).
     */
    record Request(long clientId, String user, String worker, String userAgent, String address, String password,
                   String idJson, String extranonce1) {
        public Request(long clientId, String user, String worker, String userAgent, String address) {
            this(clientId, user, worker, userAgent, address, "", "null", "");
        }
    }

    /**
     * @param startDifficulty the worker's default difficulty: start and floor of its vardiff when above 0
     * @param reason          why it was refused (sent to the miner), null when allowed
     */
    record Decision(boolean allowed, double startDifficulty, String reason) {
        public static Decision allow(double startDifficulty) {
            return new Decision(true, startDifficulty, null);
        }

        public static Decision refuse(String reason) {
            return new Decision(false, 0, reason);
        }
    }
}
