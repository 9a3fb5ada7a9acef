package org.jckpool.stratifier.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.EnumMap;
import java.util.Map;

/**
 * ckpool's status file formats: {@code pool/pool.status} (three JSON lines: counts, hashrates, shares) and
 * {@code users/<user>} (one JSON object with the user's hashrates and a {@code worker} array), rendered and
 * parsed back so that a restart keeps its averages.
 */
public final class StatusFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final RateWindow[] USER_WINDOWS = {RateWindow.M1, RateWindow.M5, RateWindow.H1, RateWindow.D1,
            RateWindow.D7};

    /** Live connection counts the engine knows and the stats do not. */
    public record PoolCounts(int users, int workers, int idle, int disconnected) {
    }

    private StatusFiles() {
    }

    public static String renderPool(PoolStats pool, PoolCounts counts, double networkDiff, long nowMillis) {
        ObjectNode first = MAPPER.createObjectNode();
        first.put("runtime", (nowMillis - pool.startMillis()) / 1000);
        first.put("lastupdate", nowMillis / 1000);
        first.put("Users", counts.users());
        first.put("Workers", counts.workers());
        first.put("Idle", counts.idle());
        first.put("Disconnected", counts.disconnected());
        ObjectNode second = MAPPER.createObjectNode();
        for (RateWindow w : RateWindow.values()) {
            second.put(w.hashrateKey(), HashrateText.format(pool.hashrate(w, nowMillis, true)));
        }
        ObjectNode third = MAPPER.createObjectNode();
        double accepted = pool.acceptedDiff();
        third.put("diff", networkDiff > 0 ? round(accepted / networkDiff * 100, 1e6) : 0.0);
        putDiff(third, "accepted", accepted);
        putDiff(third, "rejected", pool.rejectedDiff());
        putDiff(third, "bestshare", pool.bestShare());
        third.put("SPS1m", round(pool.sps(RateWindow.M1, nowMillis), 1e3));
        third.put("SPS5m", round(pool.sps(RateWindow.M5, nowMillis), 1e3));
        third.put("SPS15m", round(pool.sps(RateWindow.M15, nowMillis), 1e3));
        third.put("SPS1h", round(pool.sps(RateWindow.H1, nowMillis), 1e3));
        return first + "\n" + second + "\n" + third + "\n";
    }

    public static String renderUser(UserStats user, long nowMillis) {
        ObjectNode o = MAPPER.createObjectNode();
        putRates(o, user, nowMillis);
        o.put("lastupdate", nowMillis / 1000);
        o.put("lastshare", user.lastShareMillis() / 1000);
        o.put("workers", user.workers().size());
        putDiff(o, "shares", user.acceptedDiff());
        o.put("bestshare", user.bestShare());
        putDiff(o, "bestever", user.bestEver());
        o.put("authorised", user.authorisedMillis() / 1000);
        ArrayNode arr = o.putArray("worker");
        for (WorkerStats w : user.workers()) {
            ObjectNode wn = arr.addObject();
            wn.put("workername", w.name());
            putRates(wn, w, nowMillis);
            wn.put("lastupdate", nowMillis / 1000);
            wn.put("lastshare", w.lastShareMillis() / 1000);
            putDiff(wn, "shares", w.acceptedDiff());
            wn.put("bestshare", w.bestShare());
            putDiff(wn, "bestever", w.bestEver());
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putRates(ObjectNode o, ShareTally t, long nowMillis) {
        for (RateWindow w : USER_WINDOWS) {
            o.put(w.hashrateKey(), HashrateText.format(t.hashrate(w, nowMillis, false)));
        }
    }

    /**
     * Restores pool averages and totals from a pool.status text. Returns false (and changes nothing) when the
     * text is not in the expected format.
     */
    public static boolean restorePool(PoolStats pool, String text, long nowMillis) {
        String[] lines = text.strip().split("\n");
        if (lines.length < 3) {
            return false;
        }
        try {
            JsonNode first = MAPPER.readTree(lines[0]);
            JsonNode second = MAPPER.readTree(lines[1]);
            JsonNode third = MAPPER.readTree(lines[2]);
            if (!first.isObject() || !second.isObject() || !third.isObject()) {
                return false;
            }
            long saved = first.path("lastupdate").asLong(nowMillis / 1000) * 1000;
            long runtime = first.path("runtime").asLong() * 1000;
            pool.restoreRuntime(runtime, nowMillis);
            // The file holds bias-corrected rates; store them uncorrected, as they were kept.
            Map<RateWindow, Double> rates = readRates(second, RateWindow.values());
            rates.replaceAll((w, v) -> v * Decay.timeBias(Math.max(runtime, 1) / 1000.0, w.seconds));
            pool.restore(rates, third.path("accepted").asDouble(),
                    third.path("bestshare").asDouble(), third.path("bestshare").asDouble(), 0, saved, nowMillis);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** Restores a user and its workers from a users/&lt;user&gt; file. Returns false on unreadable text. */
    public static boolean restoreUser(StatsRegistry registry, String userName, String text, long nowMillis) {
        JsonNode o;
        try {
            o = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (o == null || !o.isObject()) {
            return false;
        }
        long lastShare = o.path("lastshare").asLong() * 1000;
        // Without a lastupdate the last share is the best lower bound of when the file was written.
        long saved = o.has("lastupdate") ? o.path("lastupdate").asLong() * 1000
                : lastShare > 0 ? lastShare : nowMillis;
        UserStats user = registry.user(userName, nowMillis);
        user.restore(readRates(o, USER_WINDOWS), o.path("shares").asDouble(), o.path("bestshare").asDouble(),
                o.path("bestever").asDouble(), lastShare, saved, nowMillis);
        if (o.has("authorised")) {
            user.authorised(o.path("authorised").asLong() * 1000);
        }
        for (JsonNode wn : o.path("worker")) {
            String name = wn.path("workername").asText("");
            if (name.isEmpty()) {
                continue;
            }
            long wLast = wn.path("lastshare").asLong() * 1000;
            user.worker(name, nowMillis).restore(readRates(wn, USER_WINDOWS), wn.path("shares").asDouble(),
                    wn.path("bestshare").asDouble(), wn.path("bestever").asDouble(), wLast, saved, nowMillis);
        }
        return true;
    }

    private static Map<RateWindow, Double> readRates(JsonNode o, RateWindow[] windows) {
        Map<RateWindow, Double> m = new EnumMap<>(RateWindow.class);
        for (RateWindow w : windows) {
            JsonNode v = o.get(w.hashrateKey());
            if (v != null) {
                double hashrate = v.isNumber() ? v.asDouble() : HashrateText.parse(v.asText());
                m.put(w, hashrate / Decay.NONCES);
            }
        }
        return m;
    }

    /**
     * ckpool writes share sums and best shares as integers; with fractional difficulties (regtest, lottery
     * miners) that would print 0, so values below 1e6 that are not whole keep six significant digits.
     */
    private static void putDiff(ObjectNode o, String key, double v) {
        if (v >= 1e6 || v == Math.rint(v)) {
            o.put(key, (long) v);
        } else {
            o.put(key, new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue());
        }
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }
}
