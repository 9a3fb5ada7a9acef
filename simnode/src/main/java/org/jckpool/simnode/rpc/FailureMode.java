package org.jckpool.simnode.rpc;

import java.util.Locale;

/** How the RPC server misbehaves, for the generator's failover tests. Admin RPCs are never affected. */
public enum FailureMode {
    /** Normal bitcoind behaviour. */
    OK,
    /** Every RPC call gets HTTP 500 with a non-JSON body. */
    HTTP500,
    /** Every RPC call gets HTTP 200 with bytes that are not JSON. */
    GARBAGE,
    /** Requests are read but never answered, until the mode changes or the node stops. */
    HANG,
    /** Every RPC call gets Core's HTTP 503 "Work queue depth exceeded", as an overloaded node answers. */
    BUSY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "ok" | "http500" | "garbage" | "hang" | "busy" (case-insensitive). */
    public static FailureMode parse(String text) {
        for (FailureMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "' (expected ok, http500, garbage, hang or busy)");
    }
}
