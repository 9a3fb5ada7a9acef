package org.jckpool.webapi.http;

/** A web API config key with a bad value: names the key, the value and what is wrong. */
public final class WebApiConfigException extends IllegalArgumentException {

    private final String key;
    private final String value;

    public WebApiConfigException(String key, String value, String reason) {
        super("config key \"" + key + "\" = " + value + ": " + reason);
        this.key = key;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
