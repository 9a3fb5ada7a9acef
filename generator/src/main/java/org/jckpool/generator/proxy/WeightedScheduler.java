package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

import java.util.Arrays;
import java.util.List;

/**
 * Decides which upstream the whole proxy works for (the scheduling proxy: every {@code proxy} entry has a
 * {@code weight}). Time is cut into slices; at each slice boundary the upstream furthest below its target share of
 * the accepted, difficulty-weighted work is chosen (a deficit scheduler), so the split of accepted work converges
 * to the weights whatever the miners' speeds. The account starts afresh whenever the weights or the set of healthy
 * upstreams change: an upstream that was down is not owed the work it missed. A down upstream counts as weight 0.
 * With auto-balance on, the weights follow the prices and health ({@link PriceWeights}), recomputed at each
 * check ({@link #autoWeights}) and whenever prices change.
 *
 * <p>Pure logic on a caller's clock (milliseconds); thread-safe.
 */
final class WeightedScheduler {
    private static final long TEN_MINUTES = 600_000;

    private final List<String> names;
    private final long sliceMillis;
    private final long graceMillis;
    private final double[] weights;
    /** Price per upstream (relative value of a unit of accepted work); NaN: none given. */
    private final double[] prices;
    private boolean auto;
    private boolean[] healthy;
    /** Accepted work since the account last started afresh: what the decision looks at. */
    private final double[] owedBasis;
    private final double[] totalWork;
    private final long[] switchesTo;
    private final WorkWindow[] windows;
    private int current = -1;
    private int previous = -1;
    private long sliceStart;
    private long switchedAt = Long.MIN_VALUE;
    private long accountSince;
    private long switches;

    /** A switch the caller must carry out: send {@code to}'s work, clean. */
    record Switch(int from, int to, String reason) {
    }

    WeightedScheduler(List<String> names, double[] weights, long sliceMillis, long graceMillis, long nowMillis) {
        this(names, weights, null, false, sliceMillis, graceMillis, nowMillis);
    }

    /**
     * @param prices one per upstream (NaN: none given), or null for none
     * @param auto   auto-balance: {@code weights} are ignored, the prices set them (every price given, one above 0)
     */
    WeightedScheduler(List<String> names, double[] weights, double[] prices, boolean auto, long sliceMillis,
                      long graceMillis, long nowMillis) {
        if (names.size() != weights.length || names.isEmpty() || (prices != null && prices.length != weights.length)) {
            throw new IllegalArgumentException("one weight and price per upstream");
        }
        this.names = List.copyOf(names);
        this.sliceMillis = sliceMillis;
        this.graceMillis = graceMillis;
        int n = weights.length;
        this.prices = new double[n];
        Arrays.fill(this.prices, Double.NaN);
        if (prices != null) {
            System.arraycopy(prices, 0, this.prices, 0, n);
        }
        this.healthy = new boolean[n];
        if (auto) {
            checkAuto(this.prices);
            this.auto = true;
            weights = PriceWeights.of(this.prices, healthy);
        }
        this.weights = weights.clone();
        this.owedBasis = new double[n];
        this.totalWork = new double[n];
        this.switchesTo = new long[n];
        this.windows = new WorkWindow[n];
        for (int i = 0; i < n; i++) {
            windows[i] = new WorkWindow();
        }
        this.accountSince = nowMillis;
    }

    int size() {
        return weights.length;
    }

    /** Index of an upstream by its name, or -1. */
    int indexOf(String name) {
        return names.indexOf(name);
    }

    /** New weights (same count, ≥ 0, not all 0); the account starts afresh and the next check may switch at once. */
    synchronized void weights(double[] w, long nowMillis) {
        control(null, null, w, nowMillis);
    }

    /**
     * Live control: new prices (one per upstream, NaN keeps that one's), auto-balance on or off, new weights; null
     * leaves a part as it is. Everything is checked before anything changes. With auto-balance on (after this call)
     * weights cannot be set: the prices set them.
     */
    synchronized void control(double[] newPrices, Boolean newAuto, double[] newWeights, long nowMillis) {
        double[] p = prices.clone();
        if (newPrices != null) {
            if (newPrices.length != p.length) {
                throw new IllegalArgumentException("expected " + p.length + " prices, got " + newPrices.length);
            }
            for (int i = 0; i < p.length; i++) {
                if (!Double.isNaN(newPrices[i])) {
                    if (!(newPrices[i] >= 0) || Double.isInfinite(newPrices[i])) {
                        throw new IllegalArgumentException("prices must be finite numbers ≥ 0");
                    }
                    p[i] = newPrices[i];
                }
            }
        }
        boolean a = newAuto == null ? auto : newAuto;
        if (a) {
            checkAuto(p);
            if (newWeights != null) {
                throw new IllegalArgumentException("auto-balance is on: the prices set the weights (send \"auto\": "
                        + "false to set weights)");
            }
        }
        if (newWeights != null) {
            checkWeights(newWeights);
        }
        System.arraycopy(p, 0, prices, 0, p.length);
        auto = a;
        if (newWeights != null) {
            setWeights(newWeights, nowMillis);
        } else if (auto) {
            autoWeights(healthy, nowMillis);
        }
    }

    /**
     * Auto-balance: the weights the prices give with upstreams {@code up} healthy, set (account afresh) when they
     * differ from the current ones; returns them then, else null (also with auto-balance off).
     */
    synchronized double[] autoWeights(boolean[] up, long nowMillis) {
        if (!auto) {
            return null;
        }
        double[] w = PriceWeights.of(prices, up);
        if (Arrays.equals(w, weights)) {
            return null;
        }
        setWeights(w, nowMillis);
        return w.clone();
    }

    synchronized boolean auto() {
        return auto;
    }

    private static void checkAuto(double[] p) {
        double max = 0;
        for (int i = 0; i < p.length; i++) {
            if (Double.isNaN(p[i])) {
                throw new IllegalArgumentException("auto-balance needs a price for every upstream (none for #" + i + ")");
            }
            max = Math.max(max, p[i]);
        }
        if (max <= 0) {
            throw new IllegalArgumentException("auto-balance needs at least one price above 0");
        }
    }

    private void setWeights(double[] w, long nowMillis) {
        System.arraycopy(w, 0, weights, 0, w.length);
        startAccount(nowMillis);
        sliceStart = Long.MIN_VALUE / 2; // let the next check choose under the new weights
    }

    private void checkWeights(double[] w) {
        if (w.length != weights.length) {
            throw new IllegalArgumentException("expected " + weights.length + " weights, got " + w.length);
        }
        double sum = 0;
        for (double d : w) {
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("weights must be finite numbers ≥ 0");
            }
            sum += d;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("at least one weight must be above 0");
        }
    }

    synchronized double[] weights() {
        return weights.clone();
    }

    /** Per upstream: its weight or its price is above 0 (it may be scheduled now or after a price change). */
    synchronized boolean[] candidates() {
        boolean[] c = new boolean[weights.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = weights[i] > 0 || prices[i] > 0;
        }
        return c;
    }

    /** Difficulty-weighted work upstream {@code i} accepted. */
    synchronized void accepted(int i, double work, long nowMillis) {
        if (i < 0 || i >= weights.length || !(work > 0)) {
            return;
        }
        owedBasis[i] += work;
        totalWork[i] += work;
        windows[i].add(work, nowMillis);
    }

    /**
     * Called often (every check): returns the switch to make now, or null to stay. The current upstream is kept
     * until its slice ends unless it is down or its weight is 0.
     */
    synchronized Switch choose(boolean[] up, long nowMillis) {
        if (!Arrays.equals(up, healthy)) {
            healthy = up.clone();
            startAccount(nowMillis);
        }
        boolean currentUsable = current >= 0 && healthy[current] && weights[current] > 0;
        if (currentUsable && nowMillis - sliceStart < sliceMillis) {
            return null;
        }
        int best = pick();
        sliceStart = nowMillis;
        if (best == current) {
            return null;
        }
        String reason = best < 0 ? "no healthy upstream with a weight above 0"
                : current < 0 ? "start"
                : !healthy[current] ? "upstream down"
                : weights[current] <= 0 ? "weight 0"
                : "slice";
        Switch s = new Switch(current, best, reason);
        previous = current;
        current = best;
        switchedAt = nowMillis;
        if (best >= 0) {
            switchesTo[best]++;
            switches++;
        }
        return s;
    }

    /** The healthy upstream with a weight above 0 furthest below its target share; ties: larger weight, lower index. */
    private int pick() {
        double weightSum = 0;
        double workSum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (healthy[i] && weights[i] > 0) {
                weightSum += weights[i];
                workSum += owedBasis[i];
            }
        }
        int best = -1;
        double bestDeficit = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!healthy[i] || weights[i] <= 0) {
                continue;
            }
            double deficit = weights[i] / weightSum * workSum - owedBasis[i];
            if (best < 0 || deficit > bestDeficit + 1e-12 * Math.max(1, workSum)
                    || (Math.abs(deficit - bestDeficit) <= 1e-12 * Math.max(1, workSum) && weights[i] > weights[best])) {
                best = i;
                bestDeficit = deficit;
            }
        }
        return best;
    }

    private void startAccount(long nowMillis) {
        Arrays.fill(owedBasis, 0);
        accountSince = nowMillis;
    }

    synchronized int current() {
        return current;
    }

    /**
     * Whether a share on upstream {@code i}'s work may still go to it: it is the current upstream, or it was the
     * one before and the switch was less than the grace period ago.
     */
    synchronized boolean mayForward(int i, long nowMillis) {
        return i >= 0 && (i == current || (i == previous && nowMillis - switchedAt <= graceMillis));
    }

    /** Slice, grace, switches and, per upstream, target weight and achieved share of accepted work. */
    synchronized ObjectNode status(long nowMillis) {
        ObjectNode o = Json.object();
        o.put("slice_s", sliceMillis / 1000.0);
        o.put("grace_s", graceMillis / 1000.0);
        if (current >= 0) {
            o.put("current", current);
            o.put("current_name", names.get(current));
            o.put("slice_left_s", Math.max(0, sliceMillis - (nowMillis - sliceStart)) / 1000.0);
        } else {
            o.putNull("current");
        }
        o.put("switches", switches);
        o.put("auto", auto);
        o.put("account_since", accountSince / 1000);
        double weightSum = 0;
        double healthySum = 0;
        double[] tenMin = new double[weights.length];
        double[] hour = new double[weights.length];
        double tenMinSum = 0;
        double hourSum = 0;
        double basisSum = 0;
        for (int i = 0; i < weights.length; i++) {
            weightSum += weights[i];
            healthySum += healthy[i] ? weights[i] : 0;
            tenMin[i] = windows[i].sum(TEN_MINUTES, nowMillis);
            hour[i] = windows[i].sum(WorkWindow.HOUR_MILLIS, nowMillis);
            tenMinSum += tenMin[i];
            hourSum += hour[i];
            basisSum += owedBasis[i];
        }
        ArrayNode a = o.putArray("upstreams");
        for (int i = 0; i < weights.length; i++) {
            ObjectNode u = a.addObject();
            u.put("index", i);
            u.put("name", names.get(i));
            u.put("weight", weights[i]);
            if (!Double.isNaN(prices[i])) {
                u.put("price", prices[i]);
            }
            u.put("target_percent", weightSum == 0 ? 0 : 100 * weights[i] / weightSum);
            u.put("effective_percent", healthy[i] && healthySum > 0 ? 100 * weights[i] / healthySum : 0);
            u.put("healthy", healthy[i]);
            u.put("active", i == current);
            u.put("achieved_10m_percent", tenMinSum == 0 ? 0 : 100 * tenMin[i] / tenMinSum);
            u.put("achieved_1h_percent", hourSum == 0 ? 0 : 100 * hour[i] / hourSum);
            u.put("achieved_account_percent", basisSum == 0 ? 0 : 100 * owedBasis[i] / basisSum);
            u.put("accepted_work", totalWork[i]);
            u.put("work_10m", tenMin[i]);
            u.put("work_1h", hour[i]);
            u.put("switches", switchesTo[i]);
        }
        return o;
    }
}
