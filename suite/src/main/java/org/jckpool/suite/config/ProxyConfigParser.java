package org.jckpool.suite.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.net.HostPort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.jckpool.suite.config.ConfigLoader.doubleIn;
import static org.jckpool.suite.config.ConfigLoader.optString;
import static org.jckpool.suite.config.ConfigLoader.shown;

/**
 * The {@code "proxy"} entries (url, auth, pass, name, weight, price) and the {@code "schedule"} block of
 * {@code ckpool.conf}, checked together: weights and prices are all or nothing, and the schedule needs them.
 * Errors are {@link ConfigException}s naming the key, as for every other key ({@link ConfigLoader}).
 */
final class ProxyConfigParser {
    private ProxyConfigParser() {
    }

    static List<ProxyConfig> proxies(JsonNode v) throws ConfigException {
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<JsonNode> entries = ConfigLoader.entries(v, "proxy", "must be an array of objects {url, auth, pass}");
        List<ProxyConfig> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String key = v.isArray() ? "proxy[" + i + "]" : "proxy";
            if (!e.isObject()) {
                throw new ConfigException(key, shown(e), "must be an object {url, auth, pass}");
            }
            String url = optString(e, "url", key + ".url", null);
            if (url == null || HostPort.parse(url) == null) {
                throw new ConfigException(key + ".url", shown(e.get("url")), "not a host:port address");
            }
            String auth = optString(e, "auth", key + ".auth", "");
            String pass = optString(e, "pass", key + ".pass", "");
            String name = optString(e, "name", key + ".name", null);
            if (name != null && (name.isBlank() || name.length() > 64)) {
                throw new ConfigException(key + ".name", shown(e.get("name")), "must be 1-64 characters");
            }
            Double weight = e.hasNonNull("weight") ? doubleIn(e, "weight", key + ".weight", 0, 0, 1_000_000) : null;
            Double price = e.hasNonNull("price") ? doubleIn(e, "price", key + ".price", 0, 0, 1e12) : null;
            out.add(new ProxyConfig(url, auth, pass, name, weight, price));
        }
        checkWeights(out);
        return List.copyOf(out);
    }

    /** Weights are all or nothing (a mix has no meaning), not all zero, and names are unique. */
    private static void checkWeights(List<ProxyConfig> proxies) throws ConfigException {
        long weighted = proxies.stream().filter(p -> p.weight() != null).count();
        if (weighted > 0 && weighted < proxies.size()) {
            int i = 0;
            while (proxies.get(i).weight() != null) {
                i++;
            }
            throw new ConfigException("proxy[" + i + "].weight", "(missing)",
                    "give every proxy entry a weight (scheduling proxy) or none (priority failover)");
        }
        if (weighted > 0 && proxies.stream().mapToDouble(ProxyConfig::weight).sum() <= 0) {
            throw new ConfigException("proxy", "(weights)", "at least one weight must be above 0");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < proxies.size(); i++) {
            if (!names.add(proxies.get(i).displayName())) {
                throw new ConfigException("proxy[" + i + "].name", proxies.get(i).displayName(),
                        "used by an earlier entry; names (or urls without a name) must be unique");
            }
        }
    }

    /**
     * The {@code "schedule"} block: only with weighted {@code proxy} entries, or with {@code auto} and a price on
     * every entry (then no weights: the prices set them); slice and grace in seconds.
     */
    static ScheduleConfig schedule(JsonNode v, List<ProxyConfig> proxy) throws ConfigException {
        boolean weighted = !proxy.isEmpty() && proxy.get(0).weight() != null;
        boolean auto = v != null && v.isObject() && v.has("auto") && bool(v, "auto", "schedule.auto");
        checkPrices(proxy, auto, weighted);
        if (v == null || v.isNull()) {
            return weighted ? ScheduleConfig.DEFAULT : null;
        }
        if (!v.isObject()) {
            throw new ConfigException("schedule", shown(v), "must be an object {\"slice\": seconds, \"grace\": seconds}");
        }
        if (!weighted && !auto) {
            throw new ConfigException("schedule", shown(v), "needs a weight on every proxy entry (or \"auto\": true "
                    + "and a price on every entry)");
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("slice") && !k.equals("grace") && !k.equals("auto")) {
                throw new ConfigException("schedule." + k, shown(v.get(k)), "unknown key (known: slice, grace, auto)");
            }
        }
        double slice = doubleIn(v, "slice", "schedule.slice", ScheduleConfig.DEFAULT.sliceMillis() / 1000.0,
                ScheduleConfig.MIN_SLICE_SECONDS, ScheduleConfig.MAX_SLICE_SECONDS);
        double grace = doubleIn(v, "grace", "schedule.grace", ScheduleConfig.DEFAULT.graceMillis() / 1000.0, 0,
                ScheduleConfig.MAX_GRACE_SECONDS);
        return new ScheduleConfig(Math.round(slice * 1000), Math.round(grace * 1000), auto);
    }

    private static boolean bool(JsonNode v, String field, String key) throws ConfigException {
        JsonNode b = v.get(field);
        if (!b.isBoolean()) {
            throw new ConfigException(key, shown(b), "must be true or false");
        }
        return b.booleanValue();
    }

    /**
     * Prices are all or nothing and need a scheduling proxy; auto-balance needs them, at least one above 0, and
     * no weights (the prices set the weights).
     */
    private static void checkPrices(List<ProxyConfig> proxies, boolean auto, boolean weighted)
            throws ConfigException {
        long priced = proxies.stream().filter(p -> p.price() != null).count();
        if ((auto || priced > 0) && priced < proxies.size()) {
            int i = 0;
            while (proxies.get(i).price() != null) {
                i++;
            }
            throw new ConfigException("proxy[" + i + "].price", "(missing)", auto
                    ? "schedule.auto needs a price on every proxy entry"
                    : "give every proxy entry a price or none");
        }
        if (auto && weighted) {
            throw new ConfigException("proxy[0].weight", String.valueOf(proxies.get(0).weight()),
                    "with schedule.auto the prices set the weights: drop the weights or auto");
        }
        if (priced > 0 && !auto && !weighted) {
            throw new ConfigException("proxy[0].price", String.valueOf(proxies.get(0).price()),
                    "prices are for the scheduling proxy: give every entry a weight, or set \"schedule\": "
                            + "{\"auto\": true}");
        }
        if (auto && proxies.stream().mapToDouble(ProxyConfig::price).max().orElse(0) <= 0) {
            throw new ConfigException("proxy", "(prices)", "schedule.auto needs at least one price above 0");
        }
    }
}
