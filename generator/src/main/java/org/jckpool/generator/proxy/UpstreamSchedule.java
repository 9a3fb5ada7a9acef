package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.suite.config.ScheduleConfig;

import java.util.Arrays;
import java.util.List;

/**
 * The scheduling proxy's side of {@link UpstreamManager}: its {@link WeightedScheduler} and {@link MinerLedger},
 * the schedule state JSON and the live control of weights, prices and auto-balance. Both parts lock themselves, so
 * this class adds no lock of its own.
 */
final class UpstreamSchedule {
    /** Miners listed in the schedule's state (every 2 s to the stratifier, /api/schedule, /metrics). */
    static final int MINERS_SHOWN = 32;

    private final WeightedScheduler scheduler;
    private final MinerLedger miners;

    UpstreamSchedule(List<ProxyConfig> configs, ScheduleConfig schedule) {
        double[] weights = new double[configs.size()];
        double[] prices = new double[configs.size()];
        for (int i = 0; i < weights.length; i++) {
            ProxyConfig c = configs.get(i);
            weights[i] = c.weight() == null ? 0 : c.weight();
            prices[i] = c.price() == null ? Double.NaN : c.price();
        }
        List<String> names = configs.stream().map(ProxyConfig::displayName).toList();
        scheduler = new WeightedScheduler(names, weights, prices, schedule.auto(), schedule.sliceMillis(),
                schedule.graceMillis(), System.currentTimeMillis());
        miners = new MinerLedger(names);
    }

    /** With auto-balance: sets the weights the prices give for the healthy upstreams {@code up}, when they differ. */
    void updateAutoWeights(boolean[] up, long now) {
        double[] auto = scheduler.autoWeights(up, now);
        if (auto != null) {
            Log.notice("Auto-balance: weights now %s (prices and healthy upstreams)", Arrays.toString(auto));
            EventLog.global().event("schedule_weights", "weights", Arrays.toString(auto), "auto", true);
        }
    }

    /** Upstreams that may get work: a weight above 0, or a price above 0 (auto-balance may give them weight). */
    boolean[] candidates() {
        return scheduler.candidates();
    }

    /** The scheduler's switch, if any, given which upstreams are healthy. */
    WeightedScheduler.Switch choose(boolean[] up, long now) {
        return scheduler.choose(up, now);
    }

    /** Whether a share for upstream {@code index} may still go there (the active one, or the last within grace). */
    boolean mayForward(int index, long now) {
        return scheduler.mayForward(index, now);
    }

    void accepted(String worker, int index, double diff, long now) {
        scheduler.accepted(index, diff, now);
        miners.accepted(worker, index, diff, now);
    }

    void rejected(String worker, int index, boolean stale) {
        miners.rejected(worker, index, stale);
    }

    /**
     * The scheduler's state, with each upstream's url and accepted/rejected/stale counts and the
     * {@link #MINERS_SHOWN} miners with the most work in the last hour.
     */
    ObjectNode status(List<Upstream> upstreams) {
        ObjectNode s = scheduler.status(System.currentTimeMillis());
        for (JsonNode n : s.path("upstreams")) {
            Upstream u = upstreams.get(n.path("index").asInt());
            ObjectNode x = (ObjectNode) n;
            x.put("url", u.url());
            x.put("accepted", u.accepted.get());
            x.put("rejected", u.rejected.get());
            x.put("stale", u.stale.get());
            u.putCompatibility(x);
        }
        s.setAll(miners.status(MINERS_SHOWN, System.currentTimeMillis()));
        return s;
    }

    /**
     * Applies live control {@code params} (see {@link UpstreamManager#setWeights}); everything is checked before
     * anything changes.
     *
     * @throws IllegalArgumentException values that name no upstream or are not usable
     */
    void control(JsonNode params) {
        double[] weights = params.has("weights") ? numbers(params.path("weights"), "weights", scheduler.weights())
                : null;
        double[] nan = new double[scheduler.size()];
        Arrays.fill(nan, Double.NaN);
        double[] prices = params.has("prices") ? numbers(params.path("prices"), "prices", nan) : null;
        Boolean auto = null;
        if (params.has("auto")) {
            if (!params.path("auto").isBoolean()) {
                throw new IllegalArgumentException("auto: must be true or false, got " + params.get("auto"));
            }
            auto = params.path("auto").booleanValue();
        }
        if (weights == null && prices == null && auto == null) {
            throw new IllegalArgumentException("give \"weights\", \"prices\" or \"auto\"");
        }
        scheduler.control(prices, auto, weights, System.currentTimeMillis());
        double[] now = scheduler.weights();
        Log.notice("Schedule weights now %s%s%s", Arrays.toString(now),
                prices == null ? "" : ", prices set " + Arrays.toString(prices),
                scheduler.auto() ? " (auto-balance)" : "");
        EventLog.global().event("schedule_weights", "weights", Arrays.toString(now), "auto", scheduler.auto());
    }

    /**
     * {@code {name: n, …}} (some or all upstreams, the others keep their value from {@code start}) or an array of
     * one number per upstream.
     */
    private double[] numbers(JsonNode w, String what, double[] start) {
        double[] next = start.clone();
        if (w.isArray()) {
            if (w.size() != next.length) {
                throw new IllegalArgumentException(what + ": expected " + next.length + " numbers, got " + w.size());
            }
            for (int i = 0; i < next.length; i++) {
                next[i] = weight(w.get(i), what + "[" + i + "]");
            }
        } else if (w.isObject() && w.size() > 0) {
            for (var it = w.fields(); it.hasNext(); ) {
                var e = it.next();
                int i = scheduler.indexOf(e.getKey());
                if (i < 0) {
                    throw new IllegalArgumentException(what + ": no upstream named \"" + e.getKey() + "\"");
                }
                next[i] = weight(e.getValue(), what + "." + e.getKey());
            }
        } else {
            throw new IllegalArgumentException(what + ": give an object {name: "
                    + what.substring(0, what.length() - 1) + "} or an array of numbers");
        }
        return next;
    }

    private static double weight(JsonNode v, String what) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
            throw new IllegalArgumentException(what + ": must be a number ≥ 0, got " + v);
        }
        return v.asDouble();
    }
}
