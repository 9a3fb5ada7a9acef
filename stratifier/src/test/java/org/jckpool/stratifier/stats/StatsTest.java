package org.jckpool.stratifier.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatsTest {
    static final ObjectMapper M = new ObjectMapper();

    @Test
    void decayMatchesCkpoolArithmetic() {
        // one step by hand: fprop = 1 - e^-(10/60); f = (0 + 5/10·fprop) / (1 + fprop)
        double fprop = 1 - Math.exp(-10.0 / 60);
        assertThat(Decay.decay(0, 5, 10, 60)).isCloseTo(0.5 * fprop / (1 + fprop), within(1e-15));
        assertThat(Decay.decay(3, 0, 0, 60)).isEqualTo(3);
        assertThat(Decay.decay(1e-17, 0, 1, 60)).isZero();
        assertThat(Decay.timeBias(1e9, 60)).isCloseTo(1, within(1e-12));
        assertThat(Decay.saneSeconds(1000, 2000)).isEqualTo(0.001);
    }

    @Test
    void steadyStreamConvergesToItsRate() {
        DecayingRates r = new DecayingRates(0);
        long t = 0;
        for (int i = 0; i < 20_000; i++) {
            t += 1000;
            r.add(10, t); // diff 10 every second = 10 dsps
        }
        // ckpool's estimator is biased at steady state: (fadd/fsecs·fprop)/fprop-ish; it settles close to the rate
        assertThat(r.dsps(RateWindow.M1)).isCloseTo(10, within(0.5));
        assertThat(r.dsps(RateWindow.M5)).isCloseTo(10, within(0.5));
        assertThat(r.hashrate(RateWindow.M1, t, false)).isCloseTo(10 * Decay.NONCES, within(0.5 * Decay.NONCES));
    }

    @Test
    void idleAveragesDecayAway() {
        ShareTally tally = new ShareTally(0);
        long t = 0;
        for (int i = 0; i < 600; i++) {
            t += 1000;
            tally.accepted(1, 1, t);
        }
        double before = tally.dsps(RateWindow.M1);
        double hourBefore = tally.dsps(RateWindow.H1);
        for (int i = 0; i < 10; i++) {
            t += 60_000;
            tally.decay(t);
        }
        assertThat(tally.dsps(RateWindow.M1)).isLessThan(before / 100);
        assertThat(tally.dsps(RateWindow.H1)).isLessThan(hourBefore).isGreaterThan(hourBefore / 10);
    }

    @Test
    void youngPoolHashrateIsBiasCorrected() {
        PoolStats p = new PoolStats(0);
        for (int i = 1; i <= 60; i++) {
            p.accepted(1, 1, i * 1000L);
        }
        double raw = p.hashrate(RateWindow.H1, 60_000, false);
        double corrected = p.hashrate(RateWindow.H1, 60_000, true);
        assertThat(corrected).isGreaterThan(raw * 10);
        assertThat(corrected / Decay.NONCES).isCloseTo(1, within(0.2));
    }

    @Test
    void rejectsAndBestShares() {
        StatsRegistry reg = new StatsRegistry(0);
        UserStats u = reg.user("alice", 0);
        WorkerStats w = u.worker("alice.rig", 0);
        reg.accepted(u, w, 4, 12.5, 1000);
        reg.rejected(u, w, 4, "Stale", 2000);
        reg.rejected(u, w, 4, "Stale", 3000);
        reg.rejected(u, w, 4, "Duplicate", 3000);
        reg.best(u, w, 99);
        assertThat(u.rejectsByReason()).containsEntry("Stale", 2L).containsEntry("Duplicate", 1L);
        assertThat(reg.pool().rejectedDiff()).isEqualTo(12);
        assertThat(w.bestShare()).isEqualTo(99);
        assertThat(u.acceptedDiff()).isEqualTo(4);
        assertThat(u.lastShareMillis()).isEqualTo(1000);

        reg.resetBestShares();
        assertThat(reg.pool().bestShare()).isZero();
        assertThat(u.bestShare()).isZero();
        assertThat(w.bestShare()).isZero();
        assertThat(w.bestEver()).isEqualTo(99);
        reg.best(u, w, 7);
        assertThat(w.bestShare()).isEqualTo(7);
    }

    @Test
    void hashrateText() {
        assertThat(HashrateText.format(0)).isEqualTo("0");
        assertThat(HashrateText.format(512.7)).isEqualTo("512");
        assertThat(HashrateText.format(1234)).isEqualTo("1.23K");
        assertThat(HashrateText.format(1.5e12)).isEqualTo("1.5T");
        assertThat(HashrateText.format(456e9)).isEqualTo("456G");
        assertThat(HashrateText.format(2e18)).isEqualTo("2E");
        assertThat(HashrateText.parse("1.23K")).isCloseTo(1230, within(1e-9));
        assertThat(HashrateText.parse("1.5T")).isCloseTo(1.5e12, within(1.0));
        assertThat(HashrateText.parse("garbage")).isZero();
    }

    @Test
    void poolStatusHasCkpoolsThreeLines() throws Exception {
        PoolStats p = new PoolStats(0);
        for (int i = 1; i <= 100; i++) {
            p.accepted(1000, 5000 + i, i * 1000L);
        }
        String text = StatusFiles.renderPool(p, new StatusFiles.PoolCounts(2, 3, 1, 4), 1e6, 100_000);
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(3);
        JsonNode a = M.readTree(lines[0]), b = M.readTree(lines[1]), c = M.readTree(lines[2]);
        assertThat(a.fieldNames()).toIterable()
                .containsExactly("runtime", "lastupdate", "Users", "Workers", "Idle", "Disconnected");
        assertThat(a.get("runtime").asLong()).isEqualTo(100);
        assertThat(a.get("Workers").asInt()).isEqualTo(3);
        assertThat(b.fieldNames()).toIterable().containsExactly("hashrate1m", "hashrate5m", "hashrate15m",
                "hashrate1hr", "hashrate6hr", "hashrate1d", "hashrate7d");
        assertThat(c.fieldNames()).toIterable().containsExactly("diff", "accepted", "rejected", "bestshare",
                "SPS1m", "SPS5m", "SPS15m", "SPS1h");
        assertThat(c.get("accepted").asLong()).isEqualTo(100_000);
        assertThat(c.get("bestshare").asLong()).isEqualTo(5100);
        assertThat(c.get("diff").asDouble()).isEqualTo(10.0);
    }

    @Test
    void fractionalShareSumsAreNotTruncatedToZero() throws Exception {
        PoolStats p = new PoolStats(0);
        for (int i = 1; i <= 73; i++) {
            p.accepted(0.001, 0.0042 + i * 1e-5, i * 1000L);
        }
        JsonNode c = M.readTree(StatusFiles.renderPool(p, new StatusFiles.PoolCounts(1, 1, 0, 0), 0.0039, 73_000)
                .split("\n")[2]);
        assertThat(c.get("accepted").asDouble()).isCloseTo(0.073, within(1e-9));
        assertThat(c.get("bestshare").asDouble()).isCloseTo(0.00493, within(1e-9));
        PoolStats back = new PoolStats(74_000);
        assertThat(StatusFiles.restorePool(back, StatusFiles.renderPool(p, new StatusFiles.PoolCounts(1, 1, 0, 0),
                0.0039, 73_000), 74_000)).isTrue();
        assertThat(back.acceptedDiff()).isCloseTo(0.073, within(1e-9));
    }

    @Test
    void poolStatusRoundTrip() {
        PoolStats p = new PoolStats(0);
        for (int i = 1; i <= 600; i++) {
            p.accepted(1000, 2000, i * 1000L);
        }
        String text = StatusFiles.renderPool(p, new StatusFiles.PoolCounts(1, 1, 0, 0), 1e6, 600_000);
        PoolStats back = new PoolStats(610_000);
        assertThat(StatusFiles.restorePool(back, text, 610_000)).isTrue();
        assertThat(back.acceptedDiff()).isEqualTo(600_000);
        assertThat(back.bestShare()).isEqualTo(2000);
        double h = p.hashrate(RateWindow.M5, 600_000, true);
        assertThat(back.hashrate(RateWindow.M5, 610_000, true)).isCloseTo(h, within(h * 0.02));
        assertThat(StatusFiles.restorePool(new PoolStats(0), "not json\n\n", 0)).isFalse();
    }

    @Test
    void userFileRoundTripAndDecayOfOldFiles() throws Exception {
        StatsRegistry reg = new StatsRegistry(0);
        UserStats u = reg.user("bob", 0);
        u.authorised(1000);
        WorkerStats w1 = u.worker("bob.a", 0);
        WorkerStats w2 = u.worker("bob.b", 0);
        for (int i = 1; i <= 600; i++) {
            reg.accepted(u, i % 2 == 0 ? w1 : w2, 64, 100 + i, i * 1000L);
        }
        long now = 600_000;
        String text = StatusFiles.renderUser(u, now);
        JsonNode o = M.readTree(text);
        assertThat(o.has("hashrate1m")).isTrue();
        assertThat(o.has("hashrate15m")).isFalse();
        assertThat(o.get("workers").asInt()).isEqualTo(2);
        assertThat(o.get("worker")).hasSize(2);
        assertThat(o.get("shares").asLong()).isEqualTo(600 * 64);
        assertThat(o.get("bestshare").asDouble()).isEqualTo(700);

        StatsRegistry fresh = new StatsRegistry(now);
        assertThat(StatusFiles.restoreUser(fresh, "bob", text, now)).isTrue();
        UserStats back = fresh.existingUser("bob");
        double h = u.hashrate(RateWindow.M5, now, false);
        assertThat(back.hashrate(RateWindow.M5, now, false)).isCloseTo(h, within(h * 0.02));
        assertThat(back.workers()).extracting(WorkerStats::name).containsExactlyInAnyOrder("bob.a", "bob.b");
        assertThat(back.bestEver()).isEqualTo(700);

        StatsRegistry later = new StatsRegistry(now + 3_600_000);
        StatusFiles.restoreUser(later, "bob", text, now + 3_600_000);
        // ckpool decays a stale file in one step, which at most halves it
        assertThat(later.existingUser("bob").hashrate(RateWindow.M5, now + 3_600_000, false)).isCloseTo(h / 2, within(h * 0.01));
        assertThat(StatusFiles.restoreUser(later, "x", "{broken", 0)).isFalse();
    }
}
