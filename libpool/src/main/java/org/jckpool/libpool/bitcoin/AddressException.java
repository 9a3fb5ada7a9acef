package org.jckpool.libpool.bitcoin;

/** An address (or its base58/bech32 encoding) is invalid; the message says why. */
public class AddressException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public AddressException(String message) {
        super(message);
    }
}
