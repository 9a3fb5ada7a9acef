package org.jckpool.stratifier.work;

/** A getblocktemplate result the stratifier cannot build work from; the message names the field. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
