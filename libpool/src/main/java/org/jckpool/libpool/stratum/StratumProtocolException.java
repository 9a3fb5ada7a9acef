package org.jckpool.libpool.stratum;

/** A line or a reply that does not follow Stratum v1 as we can read it. */
public final class StratumProtocolException extends RuntimeException {
    public StratumProtocolException(String message) {
        super(message);
    }
}
