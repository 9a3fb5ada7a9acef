package org.jckpool.webapi.view;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Decaying average hashrates in hashes per second over ckpool's windows. */
public record Hashrates(
        @JsonProperty("1m") double m1,
        @JsonProperty("5m") double m5,
        @JsonProperty("15m") double m15,
        @JsonProperty("1h") double h1,
        @JsonProperty("6h") double h6,
        @JsonProperty("1d") double d1,
        @JsonProperty("7d") double d7) {

    public static final Hashrates ZERO = new Hashrates(0, 0, 0, 0, 0, 0, 0);

    /** The windows in order, paired with their labels, for metrics and tables. */
    public static final String[] WINDOWS = {"1m", "5m", "15m", "1h", "6h", "1d", "7d"};

    public double[] values() {
        return new double[] {m1, m5, m15, h1, h6, d1, d7};
    }
}
