package org.jckpool.ckdb.message;

/** A request that cannot be served as sent; the message becomes the {@code failed.} reply text. */
public final class BadRequestException extends Exception {
    private final String id;

    public BadRequestException(String message) {
        this(null, message);
    }

    public BadRequestException(String id, String message) {
        super(message);
        this.id = id;
    }

    /** the request id when it was readable, for the reply */
    public String id() {
        return id;
    }
}
