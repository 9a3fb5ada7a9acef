package org.jckpool.suite.config;

/** One bitcoind: {@code url} as host:port (an http:// prefix is allowed), RPC user and password, and whether it
 *  calls our notifier on new blocks (JSON key {@code notify}: then blockpoll polling is not needed). */
public record BtcdConfig(String url, String auth, String pass, boolean notifies) {
    public static final BtcdConfig DEFAULT = new BtcdConfig("localhost:8332", "user", "pass", false);
}
