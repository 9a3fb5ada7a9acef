package org.jckpool.stratifier.work;

/**
 * A job id handed to miners and the work base it refers to. Several jobs may share a base: a difficulty change
 * re-sends the current work under a new id so that shares can be judged at the difficulty of their job.
 */
public record Job(long id, String idHex, WorkBase base) {
    public static String hex(long id) {
        return Long.toHexString(id);
    }
}
