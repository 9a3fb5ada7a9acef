package org.jckpool.stratifier.share;

/** The text fields of {@code mining.submit}; {@code versionBits} is null when the miner sent five params. */
public record SubmitParams(String worker, String jobId, String extranonce2, String ntime, String nonce,
                           String versionBits) {
}
