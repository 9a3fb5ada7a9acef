package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Auto-balance: the weights follow the prices and the upstreams' health, on the scheduler's (fake) clock. */
class AutoBalanceTest {
    private static final long SLICE = 5_000;
    private static final double NONE = Double.NaN;

    private static WeightedScheduler auto(double... prices) {
        return new WeightedScheduler(List.of("a", "b", "c"), new double[prices.length], prices, true, SLICE, 1_000, 0);
    }

    @Test
    void allWeightGoesToTheBestPayingHealthyUpstreamEvenSplitOnATie() {
        assertThat(PriceWeights.of(new double[] {1.0, 1.2, 0.9}, new boolean[] {true, true, true}))
                .containsExactly(0, 1, 0);
        assertThat(PriceWeights.of(new double[] {1.0, 1.2, 0.9}, new boolean[] {true, false, true}))
                .containsExactly(1, 0, 0);
        assertThat(PriceWeights.of(new double[] {1.0, 1.0, 0.9}, new boolean[] {true, true, true}))
                .containsExactly(1, 1, 0);
        // a price of 0 is never mined for; with nothing priced healthy the best of all keep the weight
        assertThat(PriceWeights.of(new double[] {0, 1.2, 0.9}, new boolean[] {true, false, false}))
                .containsExactly(0, 1, 0);
    }

    @Test
    void followsHealthAndPricesAtRunTime() {
        WeightedScheduler s = auto(1.0, 1.2, 0.9);
        boolean[] all = {true, true, true};
        long t = 0;
        // before any upstream is up the best price of all holds the weight
        assertThat(s.weights()).containsExactly(0, 1, 0);
        assertThat(s.autoWeights(all, t)).isNull();
        assertThat(s.choose(all, t).to()).isEqualTo(1);
        assertThat(s.autoWeights(all, t += 250)).isNull(); // unchanged: the account keeps running
        assertThat(s.choose(all, t)).isNull();

        // b goes down: its weight goes to a at the same check, and the proxy switches at once
        boolean[] bDown = {true, false, true};
        t += 250;
        assertThat(s.autoWeights(bDown, t)).containsExactly(1, 0, 0);
        WeightedScheduler.Switch sw = s.choose(bDown, t);
        assertThat(sw.to()).isZero();
        assertThat(sw.reason()).isEqualTo("upstream down");

        // b is back: all weight to it again
        t += 250;
        assertThat(s.autoWeights(all, t)).containsExactly(0, 1, 0);
        assertThat(s.choose(all, t).to()).isEqualTo(1);

        // c's price rises above b's: the next check moves everything there, whatever is left of b's slice
        t += 250;
        s.control(new double[] {NONE, NONE, 1.5}, null, null, t);
        assertThat(s.weights()).containsExactly(0, 0, 1);
        assertThat(s.choose(all, t).to()).isEqualTo(2);
        assertThat(s.status(t).path("upstreams").path(2).path("price").asDouble()).isEqualTo(1.5);
        assertThat(s.status(t).path("auto").asBoolean()).isTrue();

        // turned off, weights may be set again; they stay what auto made them until then
        s.control(null, false, null, t);
        assertThat(s.autoWeights(bDown, t)).isNull();
        s.control(null, null, new double[] {50, 50, 0}, t);
        assertThat(s.weights()).containsExactly(50, 50, 0);
    }

    @Test
    void refusesWhatAutoBalanceCannotUseAndChangesNothing() {
        WeightedScheduler s = auto(1.0, 1.2, 0.9);
        assertThatThrownBy(() -> s.control(null, null, new double[] {1, 1, 1}, 0))
                .hasMessageContaining("auto-balance is on");
        assertThatThrownBy(() -> s.control(new double[] {-1, NONE, NONE}, null, null, 0))
                .hasMessageContaining("prices must be finite numbers ≥ 0");
        assertThatThrownBy(() -> s.control(new double[] {0, 0, 0}, null, null, 0))
                .hasMessageContaining("at least one price above 0");
        assertThat(s.weights()).containsExactly(0, 1, 0);

        WeightedScheduler plain = new WeightedScheduler(List.of("a", "b", "c"), new double[] {1, 1, 1},
                new double[] {1, NONE, 2}, false, SLICE, 1_000, 0);
        assertThatThrownBy(() -> plain.control(null, true, null, 0))
                .hasMessageContaining("a price for every upstream (none for #1)");
        assertThat(plain.auto()).isFalse();
        plain.control(new double[] {NONE, 3, NONE}, true, null, 0);
        assertThat(plain.weights()).containsExactly(0, 1, 0);
        assertThatThrownBy(() -> auto(1, NONE, 2)).hasMessageContaining("a price for every upstream");
    }
}
