package org.jckpool.stratifier.link;

/** A solved block handed to the generator: what submitblock.result is matched back to. */
public record BlockSubmission(long id, String hash, long height, String hex) {
}
