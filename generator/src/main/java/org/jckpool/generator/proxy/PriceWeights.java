package org.jckpool.generator.proxy;

/**
 * Auto-balance ({@code "schedule": {"auto": true}}): weights from each upstream's price (the relative value of a
 * unit of accepted work there). All the weight goes to the healthy upstream with the highest price above 0 —
 * what a pool operator expects of profit switching: every share where it pays most — split evenly between
 * upstreams whose prices tie. With no healthy upstream priced above 0 the best-priced ones of all get it (the
 * scheduler still skips them while they are down). Deterministic: the same prices and health give the same
 * weights.
 */
final class PriceWeights {
    private PriceWeights() {
    }

    /** @param prices one per upstream, ≥ 0, at least one above 0 */
    static double[] of(double[] prices, boolean[] healthy) {
        double best = best(prices, healthy, true);
        boolean anyHealthy = best > 0;
        if (!anyHealthy) {
            best = best(prices, healthy, false);
        }
        double[] w = new double[prices.length];
        for (int i = 0; i < prices.length; i++) {
            w[i] = prices[i] > 0 && prices[i] == best && (!anyHealthy || healthy[i]) ? 1 : 0;
        }
        return w;
    }

    private static double best(double[] prices, boolean[] healthy, boolean healthyOnly) {
        double best = 0;
        for (int i = 0; i < prices.length; i++) {
            if ((!healthyOnly || healthy[i]) && prices[i] > best) {
                best = prices[i];
            }
        }
        return best;
    }
}
