package org.jckpool.ckdb.chain;

/** One pass over the blocks still to settle (ckdb's admin "chainpoll" runs it on request). */
public interface ChainPoll {
    /** @return how many blocks changed status */
    int pollOnce();
}
