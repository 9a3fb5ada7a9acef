package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedSchedulerTest {
    private static final long SLICE = 5_000;
    private static final long GRACE = 2_000;
    private static final boolean[] BOTH_UP = {true, true};

    /** Three miners of different speeds (shares of difficulty 64, 256 and 1024 at random times), one clock. */
    private static final class Miners {
        private final Random random = new Random(16);
        private final double[] sharesPerSecond = {0.5, 0.8, 0.3};
        private final double[] difficulty = {64, 256, 1024};

        /** Work found in {@code stepMillis}: each miner's shares in that step, each of its difficulty. */
        double work(long stepMillis) {
            double w = 0;
            for (int m = 0; m < difficulty.length; m++) {
                double expected = sharesPerSecond[m] * stepMillis / 1000.0;
                // Poisson draw by inversion: a few shares at most per step
                double p = Math.exp(-expected);
                double cumulative = p;
                double u = random.nextDouble();
                int k = 0;
                while (u > cumulative && k < 50) {
                    k++;
                    p *= expected / k;
                    cumulative += p;
                }
                w += k * difficulty[m];
            }
            return w;
        }
    }

    private record Run(double[] work, List<Long> switchTimes) {
        double share(int i) {
            return work[i] / (work[0] + work[1]);
        }
    }

    private static Run simulate(WeightedScheduler s, long fromMillis, long toMillis, Miners miners, boolean[] up) {
        double[] work = new double[2];
        List<Long> switchTimes = new ArrayList<>();
        for (long t = fromMillis; t < toMillis; t += 100) {
            if (s.choose(up, t) != null) {
                switchTimes.add(t);
            }
            int cur = s.current();
            double w = miners.work(100);
            if (cur >= 0) {
                s.accepted(cur, w, t);
                work[cur] += w;
            }
        }
        return new Run(work, switchTimes);
    }

    private static WeightedScheduler scheduler(double a, double b, long now) {
        return new WeightedScheduler(List.of("a", "b"), new double[] {a, b}, SLICE, GRACE, now);
    }

    @Test
    void acceptedWorkConvergesToSeventyThirtyWithMinersOfDifferentSpeeds() {
        WeightedScheduler s = scheduler(70, 30, 0);
        Miners miners = new Miners();
        Run tenMinutes = simulate(s, 0, 600_000, miners, BOTH_UP);
        assertThat(tenMinutes.share(0)).isCloseTo(0.70, org.assertj.core.data.Offset.offset(0.05 * 0.70));
        Run hour = simulate(s, 600_000, 3_600_000, miners, BOTH_UP);
        double hourShare = (tenMinutes.work[0] + hour.work[0])
                / (tenMinutes.work[0] + tenMinutes.work[1] + hour.work[0] + hour.work[1]);
        assertThat(hourShare).isCloseTo(0.70, org.assertj.core.data.Offset.offset(0.02 * 0.70));
        JsonNode st = s.status(3_600_000);
        assertThat(st.path("upstreams").get(0).path("achieved_1h_percent").asDouble()).isBetween(68.6, 71.4);
        assertThat(st.path("upstreams").get(0).path("target_percent").asDouble()).isEqualTo(70.0);
    }

    @Test
    void noSwitchComesSoonerThanASliceAfterTheLast() {
        WeightedScheduler s = scheduler(50, 50, 0);
        Run r = simulate(s, 0, 300_000, new Miners(), BOTH_UP);
        assertThat(r.switchTimes()).hasSizeGreaterThan(10); // 50:50 alternates
        for (int i = 1; i < r.switchTimes().size(); i++) {
            assertThat(r.switchTimes().get(i) - r.switchTimes().get(i - 1)).isGreaterThanOrEqualTo(SLICE);
        }
        assertThat(s.status(300_000).path("switches").asLong()).isEqualTo(r.switchTimes().size());
    }

    @Test
    void aWeightChangeConvergesToTheNewSplit() {
        WeightedScheduler s = scheduler(70, 30, 0);
        Miners miners = new Miners();
        simulate(s, 0, 300_000, miners, BOTH_UP);
        s.weights(new double[] {50, 50}, 300_000);
        Run after = simulate(s, 300_000, 900_000, miners, BOTH_UP);
        assertThat(after.share(0)).isCloseTo(0.50, org.assertj.core.data.Offset.offset(0.05 * 0.50));
    }

    @Test
    void weightsOfOneHundredToZeroNeverUseTheSecond() {
        WeightedScheduler s = scheduler(100, 0, 0);
        Run r = simulate(s, 0, 120_000, new Miners(), BOTH_UP);
        assertThat(r.work[1]).isZero();
        assertThat(r.switchTimes()).hasSize(1); // the start
    }

    @Test
    void sharesForThePreviousUpstreamGoThereOnlyWithinTheGracePeriod() {
        WeightedScheduler s = scheduler(50, 50, 0);
        assertThat(s.choose(BOTH_UP, 0)).isEqualTo(new WeightedScheduler.Switch(-1, 0, "start"));
        s.accepted(0, 1000, 100);
        assertThat(s.choose(BOTH_UP, SLICE - 1)).isNull();
        WeightedScheduler.Switch sw = s.choose(BOTH_UP, SLICE);
        assertThat(sw).isEqualTo(new WeightedScheduler.Switch(0, 1, "slice"));
        assertThat(s.mayForward(1, SLICE)).isTrue();
        assertThat(s.mayForward(0, SLICE + GRACE)).isTrue();
        assertThat(s.mayForward(0, SLICE + GRACE + 1)).isFalse();
        assertThat(s.mayForward(1, SLICE + GRACE + 1)).isTrue();
    }

    @Test
    void anIncompatibleUpstreamGetsNothingAndTheOthersSplitByTheirWeights() {
        // the manager passes an upstream with too little extranonce2 room for the layout as not healthy
        WeightedScheduler s = new WeightedScheduler(List.of("big", "small", "other"), new double[] {30, 50, 20}, SLICE,
                GRACE, 0);
        boolean[] smallIncompatible = {true, false, true};
        Miners miners = new Miners();
        double[] work = new double[3];
        for (long t = 0; t < 600_000; t += 100) {
            s.choose(smallIncompatible, t);
            double w = miners.work(100);
            s.accepted(s.current(), w, t);
            work[s.current()] += w;
        }
        assertThat(work[1]).isZero();
        assertThat(work[0] / (work[0] + work[2])).isCloseTo(0.60, org.assertj.core.data.Offset.offset(0.05 * 0.60));
        JsonNode st = s.status(600_000).path("upstreams");
        assertThat(st.get(1).path("effective_percent").asDouble()).isZero();
        assertThat(st.get(0).path("effective_percent").asDouble()).isEqualTo(60.0);
    }

    @Test
    void aDownUpstreamCountsAsWeightZeroUntilItIsBack() {
        WeightedScheduler s = scheduler(70, 30, 0);
        Miners miners = new Miners();
        simulate(s, 0, 60_000, miners, BOTH_UP);
        // a goes down: b takes over at once, mid-slice, and gets all the work
        Run down = simulate(s, 60_000, 180_000, miners, new boolean[] {false, true});
        assertThat(down.work[0]).isZero();
        assertThat(down.work[1]).isPositive();
        assertThat(s.status(180_000).path("upstreams").get(0).path("effective_percent").asDouble()).isZero();
        // back: the account starts afresh, so a is not owed the two minutes it missed
        Run back = simulate(s, 180_000, 480_000, miners, BOTH_UP);
        assertThat(back.share(0)).isCloseTo(0.70, org.assertj.core.data.Offset.offset(0.05 * 0.70));
        assertThat(s.status(480_000).path("upstreams").get(0).path("achieved_account_percent").asDouble())
                .isBetween(66.5, 73.5);
    }

    @Test
    void everyUpstreamDownMeansNone() {
        WeightedScheduler s = scheduler(70, 30, 0);
        s.choose(BOTH_UP, 0);
        WeightedScheduler.Switch sw = s.choose(new boolean[] {false, false}, 100);
        assertThat(sw.to()).isEqualTo(-1);
        assertThat(s.current()).isEqualTo(-1);
        assertThat(s.mayForward(0, 100)).isTrue(); // within grace
    }

    @Test
    void badWeightsAreRefused() {
        WeightedScheduler s = scheduler(70, 30, 0);
        assertThatThrownBy(() -> s.weights(new double[] {0, 0}, 1)).hasMessageContaining("above 0");
        assertThatThrownBy(() -> s.weights(new double[] {-1, 2}, 1)).hasMessageContaining("≥ 0");
        assertThatThrownBy(() -> s.weights(new double[] {1}, 1)).hasMessageContaining("expected 2");
        assertThat(s.weights()).containsExactly(70, 30);
    }
}
