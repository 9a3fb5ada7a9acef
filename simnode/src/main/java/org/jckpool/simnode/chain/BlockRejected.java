package org.jckpool.simnode.chain;

/** A block failed a consensus check; the message is Core's reject reason (e.g. "bad-cb-amount"). */
public final class BlockRejected extends Exception {
    public BlockRejected(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
