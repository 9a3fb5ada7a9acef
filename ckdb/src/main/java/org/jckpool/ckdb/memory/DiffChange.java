package org.jckpool.ckdb.memory;

/** A worker default-difficulty change, handed to the pool in heartbeat replies after {@code changeId}. */
public record DiffChange(long changeId, String username, String workername, double difficultyDefault) {
}
