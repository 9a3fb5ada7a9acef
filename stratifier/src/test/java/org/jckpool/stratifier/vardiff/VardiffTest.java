package org.jckpool.stratifier.vardiff;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Vardiff against simulated miners of known hashrate on a virtual clock. */
class VardiffTest {
    static final double TWO32 = 4294967296.0;

    /** A Poisson miner: shares at rate hashrate / (diff · 2^32); engine ticks every 5 s. */
    static final class Sim {
        final Vardiff v;
        final Random rnd = new Random(42);
        final double networkDiff;
        long now = 1_000_000;
        double hashrate;
        long shares;

        Sim(VardiffConfig cfg, double hashrate, double networkDiff) {
            this.v = new Vardiff(cfg, now);
            this.hashrate = hashrate;
            this.networkDiff = networkDiff;
        }

        /** Runs for the given virtual seconds; returns shares found in that time. */
        long run(double seconds) {
            long end = now + (long) (seconds * 1000);
            long nextTick = now + 5000;
            double diffOfWork = v.diff();
            long nextShare = now + gap(diffOfWork);
            long found = 0;
            while (now < end) {
                if (nextShare <= nextTick) {
                    now = nextShare;
                    found++;
                    v.onShare(diffOfWork, now, networkDiff);
                } else {
                    now = nextTick;
                    nextTick += 5000;
                    v.onTick(now, networkDiff);
                }
                if (v.diff() != diffOfWork || nextShare <= now) {
                    diffOfWork = v.diff(); // new work at the new difficulty
                    nextShare = now + gap(diffOfWork);
                }
            }
            shares += found;
            return found;
        }

        long gap(double diff) {
            double rate = hashrate / (diff * TWO32);
            return Math.max(1, (long) (-Math.log(1 - rnd.nextDouble()) / rate * 1000));
        }
    }

    @Test
    void settlesAtAboutThreeTenthsOfAShareASecond() {
        Sim s = new Sim(new VardiffConfig(1, 1, 0), 1e12, 1e14);
        s.run(3600);
        double ideal = 1e12 / TWO32;
        assertThat(s.v.diff()).isBetween(ideal / 0.4, ideal / 0.15);
        long found = s.run(1800);
        assertThat(found / 1800.0).isBetween(0.15, 0.45);
    }

    @Test
    void fallsWhenTheHashrateDrops() {
        Sim s = new Sim(new VardiffConfig(1, 1, 0), 1e12, 1e14);
        s.run(3600);
        double before = s.v.diff();
        s.hashrate = 1e10;
        s.run(120);
        assertThat(s.v.diff()).as("decline path acts within two minutes").isLessThan(before / 10);
        s.run(3600);
        double ideal = 1e10 / TWO32;
        assertThat(s.v.diff()).isBetween(ideal / 0.4, ideal / 0.15);
        assertThat(s.run(1800) / 1800.0).isBetween(0.12, 0.45);
    }

    @Test
    void fractionalDifficultyForTinyMiners() {
        Sim s = new Sim(new VardiffConfig(1e-6, 1, 0), 1e6, 1e14);
        s.run(7200);
        double ideal = 1e6 / TWO32; // 2.3e-4 diff-shares/s
        assertThat(s.v.diff()).isLessThan(0.01).isBetween(ideal / 0.4, ideal / 0.15);
    }

    @Test
    void clampedByMaxdiffAndNetworkDifficulty() {
        Sim capped = new Sim(new VardiffConfig(1, 1, 500), 1e13, 1e14);
        capped.run(1800);
        assertThat(capped.v.diff()).isEqualTo(500);
        Sim net = new Sim(new VardiffConfig(1, 1, 0), 1e13, 300);
        net.run(1800);
        assertThat(net.v.diff()).isEqualTo(300);
    }

    @Test
    void suggestionIsAFloor() {
        Vardiff v = new Vardiff(new VardiffConfig(1, 42, 0), 0);
        assertThat(v.suggest(1000, false, 1e9, 0)).isEqualTo(1000);
        assertThat(v.clamp(10, 1e9)).isEqualTo(1000);
        assertThat(v.suggest(1000, false, 1e9, 0)).isNaN();
        assertThat(v.suggest(-1, false, 1e9, 0)).isNaN();
        Vardiff w = new Vardiff(new VardiffConfig(1, 42, 0), 0);
        assertThat(w.suggest(5e9, false, 1e9, 0)).isEqualTo(1e9);
    }

    @Test
    void hysteresisLeavesAGoodDifficultyAlone() {
        // 0.3 diff-shares/s at diff 1 → ratio 0.3: no change after 72 shares
        Vardiff v = new Vardiff(new VardiffConfig(1, 1, 0), 0);
        long t = 0;
        for (int i = 0; i < 200; i++) {
            t += 3333;
            assertThat(v.onShare(1, t, 1e9)).isNaN();
        }
        assertThat(v.diff()).isEqualTo(1);
    }

    @Test
    void sharesAtAnOldDifficultyRestartTheCount() {
        Vardiff v = new Vardiff(new VardiffConfig(1, 1, 0), 0);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            t += 10;
            v.onShare(1, t, 1e9); // a flood: first re-evaluation raises the difficulty
        }
        double raised = v.diff();
        assertThat(raised).isGreaterThan(1);
        for (int i = 0; i < 80; i++) {
            t += 10;
            assertThat(v.onShare(1, t, 1e9)).as("old-difficulty shares never re-target").isNaN();
        }
    }

    @Test
    void declineWaitsForAMinuteOfSilence() {
        Vardiff v = new Vardiff(new VardiffConfig(1, 1000, 0), 0);
        assertThat(v.onTick(59_000, 1e9)).isNaN();
        double d = v.onTick(60_000, 1e9);
        assertThat(d).isEqualTo(Math.rint(1000 / 60.0 * 3.33));
        assertThat(v.onTick(61_000, 1e9)).isNaN();
    }

    @Test
    void rounding() {
        assertThat(Vardiff.round(775.4)).isEqualTo(775);
        assertThat(Vardiff.round(0.000776123)).isCloseTo(0.000776, within(1e-12));
        assertThat(Vardiff.round(0.5)).isEqualTo(0.5);
    }

    @Test
    void highDiffPortConfig() {
        VardiffConfig c = new VardiffConfig(1, 42, 0).forHighDiffPort(1e6);
        assertThat(c.minDiff()).isEqualTo(1e6);
        assertThat(c.startDiff()).isEqualTo(1e6);
    }

    @Test
    void networkDifficultyBelowMindiffNeverLowersTheFloor() {
        double regtest = 4.6565423739069247e-10;
        Vardiff v = new Vardiff(new VardiffConfig(0.0001, 0.0001, 0), 0);
        assertThat(v.capToNetwork(regtest, 0)).isNaN();
        assertThat(v.diff()).isEqualTo(0.0001);
        assertThat(v.clamp(1e-12, regtest)).isEqualTo(0.0001);
        Vardiff high = new Vardiff(new VardiffConfig(1, 42, 0), 0);
        assertThat(high.capToNetwork(regtest, 0)).as("capped to the floor, not the network").isEqualTo(1);
    }

    @Test
    void vardiffAndSuggestionsStayAtOrAboveMindiffOnAnEasyChain() {
        double regtest = 4.6565423739069247e-10;
        Sim flood = new Sim(new VardiffConfig(0.0001, 0.0001, 0), 1e3, regtest); // slow miner: vardiff wants lower
        flood.run(3600);
        assertThat(flood.v.diff()).isEqualTo(0.0001);
        Vardiff v = new Vardiff(new VardiffConfig(0.5, 1, 0), 0);
        assertThat(v.suggest(1e-9, false, regtest, 0)).isEqualTo(0.5);
        assertThat(v.suggest(1e-9, true, regtest, 0)).isNaN();
        assertThat(v.onTick(3_600_000, regtest)).isNaN();
        assertThat(v.diff()).isEqualTo(0.5);
        Vardiff port = new Vardiff(new VardiffConfig(1, 42, 0).forHighDiffPort(1e6), 0);
        assertThat(port.capToNetwork(regtest, 0)).as("already at the port floor").isNaN();
        assertThat(port.suggest(2, false, regtest, 0)).isNaN();
        assertThat(port.diff()).isEqualTo(1e6);
    }
}
