package org.jckpool.suite.config;

/** A config value is wrong: names the key, the value as written, and what is wrong with it. */
public final class ConfigException extends Exception {
    private final String key;
    private final String value;
    private final String reason;

    public ConfigException(String key, String value, String reason) {
        super("config key \"" + key + "\" = " + value + ": " + reason);
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
