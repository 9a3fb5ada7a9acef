package org.jckpool.testminer.stratum;

/** A line or message from the pool that does not follow the Stratum format; the text says what is wrong. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
