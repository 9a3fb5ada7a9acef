package org.jckpool.ckdb.server;

/** What answers the requests that arrive on ckdb's socket. */
public interface RequestHandler {
    /** The reply to one request frame's text, or null for none. */
    String handle(String request);
}
