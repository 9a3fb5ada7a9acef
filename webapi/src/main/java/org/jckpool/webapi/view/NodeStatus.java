package org.jckpool.webapi.view;

/** One configured bitcoind: its RPC URL (without credentials), whether it answers, and whether it is in use. */
public record NodeStatus(String url, boolean alive, boolean active) {
}
