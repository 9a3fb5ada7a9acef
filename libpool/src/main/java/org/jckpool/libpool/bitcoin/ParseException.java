package org.jckpool.libpool.bitcoin;

/** Thrown when serialised Bitcoin data (transaction, block, header) is truncated or malformed. */
public class ParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ParseException(String message) {
        super(message);
    }
}
