package org.jckpool.ckdb.memory;

/** Sequence tracking of one message source (one pool instance). */
public final class SourceState {
    public final String source;
    public long lastSeq;
    public long duplicates;
    public long gaps;
    public long missing;

    public SourceState(String source, long lastSeq) {
        this.source = source;
        this.lastSeq = lastSeq;
    }
}
