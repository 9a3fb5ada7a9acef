package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vardiff with real processes: scripts/simnode at a target no CPU share reaches (bits 1d00ffff, so no block and no
 * new-block notify interferes), the suite, and scripts/testminer at a known hash rate.
 *
 * <p>Rules (stratifier.vardiff.Vardiff, ckpool's): the pool re-evaluates after 72 shares or 240 s since the last
 * change and then aims at 3.33 × the measured difficulty-shares/s, i.e. 1/3.33 ≈ 0.3 shares/s, leaving alone
 * anything between 0.15 and 0.4 of that ratio. The miner starts at a difficulty it meets ~12 times a second, so the
 * 72 shares come within seconds and the first retarget settles it near 0.3/s; the next re-evaluation would be 240 s
 * later. A lower difficulty comes either from that re-evaluation (72 shares or 240 s: minutes for a slower miner) or
 * from the decline path: after 60 s with no share the tick assumes at most one share over the silence and aims at
 * 0.3/s for that rate. The second phase therefore slows the miner to zero on the same connection (SIGSTOP, the TCP
 * connection stays open; a reconnect would start a new vardiff at startdiff) and waits out that minute.
 */
class VardiffEndToEndIT {
    static final String WORKER = MiningSuite.ADDRESS + ".vd";
    static final double LIMIT_HS = 500_000;
    static final double START_DIFF = 0.00001;
    static final double TWO_32 = 4294967296.0;
    static final Pattern DIFF = Pattern.compile("^DIFF (\\S+)$");
    static final Pattern STATUS = Pattern.compile("^STATUS .*hashrate_hs=(\\d+) .*diff=(\\S+) ");

    @TempDir
    Path dir;

    @Test
    void difficultySettlesNearPointThreeSharesPerSecondAndFallsWhenTheMinerGoesQuiet() throws Exception {
        long t0 = System.currentTimeMillis();
        try (MiningSuite suite = new MiningSuite(dir, "vardiff", "1d00ffff",
                // A free port is above 4000, a high-difficulty port: highdiff is the start and floor there.
                "\"mindiff\":" + START_DIFF + ",\"startdiff\":" + START_DIFF + ",\"highdiff\":" + START_DIFF)) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            LineProcess miner = suite.startTestminer("vardiff-miner.err", "-u", WORKER, "-p", "x", "-t", "1",
                    "--hashrate-limit", Long.toString((long) LIMIT_HS), "--status-interval", "2",
                    "--duration", "170");

            // Phase 1: the first DIFF is startdiff; the retarget after 72 shares is the second.
            assertThat(miner.awaitLine(0, l -> DIFF.matcher(l).matches() && diffOf(l) == START_DIFF, 30_000))
                    .as("start difficulty\n%s", miner.output()).isPresent();
            assertThat(miner.awaitLine(0, l -> l.startsWith("ACCEPTED 72 "), 40_000))
                    .as("72 shares at startdiff\n%s", miner.output()).isPresent();
            String retarget = miner.awaitLine(0, l -> DIFF.matcher(l).matches() && !diffOf(l).equals(START_DIFF),
                    20_000).orElseThrow(() -> new AssertionError("no retarget\n" + miner.output()));
            double settled = diffOf(retarget);
            long retargetAt = System.currentTimeMillis();
            // Mine at the settled difficulty for a while: it must stay (the next re-evaluation is 240 s away).
            int mark = miner.lines().size();
            assertThat(miner.awaitLine(mark, l -> l.startsWith("STATUS"), 10_000)).isPresent();
            mark = miner.lines().size();
            assertThat(miner.awaitLine(mark, l -> l.startsWith("STATUS"), 10_000)).isPresent();

            double measuredHs = meanHashrate(miner.lines());
            double expectedRate = measuredHs / (settled * TWO_32);
            double nominalRate = LIMIT_HS / (settled * TWO_32);
            double span = (miner.arrivalOf("ACCEPTED 72 ") - miner.arrivalOf("ACCEPTED 1 ")) / 1000.0;
            System.out.printf("vardiff: 72 shares at startdiff in %.2f s: %.0f H/s as the pool saw it%n", span,
                    71 * START_DIFF * TWO_32 / span);
            JsonNode worker = suite.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}");
            System.out.printf("vardiff: startdiff %s -> %s after 72 shares; miner %.0f H/s (limit %.0f) → "
                            + "%.3f shares/s (%.3f at the limit); pool worker difficulty %s%n", START_DIFF, settled,
                    measuredHs, LIMIT_HS, expectedRate, nominalRate, worker.path("difficulty"));
            assertThat(measuredHs).as("the miner reaches a sensible fraction of its limit")
                    .isBetween(LIMIT_HS * 0.2, LIMIT_HS * 1.1);
            assertThat(expectedRate).as("shares/s at the settled difficulty %s", settled).isBetween(0.15, 0.6);
            assertThat(miner.lines().stream().filter(l -> DIFF.matcher(l).matches()).count())
                    .as("no difficulty change after the settle\n%s", miner.output()).isEqualTo(2);
            assertThat(Await.within(5_000, () -> workerDiff(suite) == settled))
                    .as("getworker difficulty %s", workerDiff(suite)).isTrue();

            // Phase 2: the miner stops hashing (connection open); after 60 s of silence the tick lowers the
            // difficulty to 3.33 × (settled / silence) — at least halving it.
            int beforeStop = miner.lines().size();
            miner.signal("STOP");
            long stoppedAt = System.currentTimeMillis();
            assertThat(Await.within(90_000, () -> workerDiff(suite) < settled))
                    .as("the pool lowered the difficulty of the silent miner; getworker %s",
                            suite.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}"))
                    .isTrue();
            long declinedAfter = System.currentTimeMillis() - stoppedAt;
            double poolDeclined = workerDiff(suite);
            miner.signal("CONT");
            String fall = miner.awaitLine(beforeStop, l -> DIFF.matcher(l).matches() && diffOf(l) < settled, 20_000)
                    .orElseThrow(() -> new AssertionError("the miner got no lower difficulty\n" + miner.output()));
            double declined = diffOf(fall);
            System.out.printf("vardiff: silent miner: difficulty %s -> %s after %.1f s of silence (pool: %s); "
                            + "whole test %.1f s%n", settled, declined, declinedAfter / 1000.0, poolDeclined,
                    (System.currentTimeMillis() - t0) / 1000.0);
            assertThat(declined).isEqualTo(poolDeclined);
            assertThat(declinedAfter).as("the decline waits for a minute of silence").isGreaterThanOrEqualTo(
                    60_000 - (stoppedAt - retargetAt) - 2_000);
            // 3.33 × settled / silence, the silence being just over 60 s (a tick a second; 120 s allows a slow one)
            assertThat(declined).as("about 3.33/60 of the settled difficulty")
                    .isLessThanOrEqualTo(Math.max(START_DIFF, settled * 3.33 / 60 * 1.02))
                    .isGreaterThanOrEqualTo(Math.max(START_DIFF, settled * 3.33 / 120 * 0.98));

            miner.signal("TERM");
            assertThat(miner.awaitExit(20_000)).as(miner.output()).isZero();
            // (a share of a job retired during the pause may be rejected as stale: not checked)
            assertThat(miner.output()).doesNotContain("DISCONNECTED");
        }
    }

    private static double workerDiff(MiningSuite suite) {
        JsonNode w = suite.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}");
        return w == null ? Double.NaN : w.path("difficulty").asDouble(Double.NaN);
    }

    private static Double diffOf(String diffLine) {
        Matcher m = DIFF.matcher(diffLine);
        return m.matches() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Mean of the STATUS windows mined at a difficulty other than startdiff (after the retarget). */
    private static double meanHashrate(List<String> lines) {
        double sum = 0;
        int n = 0;
        for (String l : lines) {
            Matcher m = STATUS.matcher(l);
            if (m.find() && Double.parseDouble(m.group(2)) != START_DIFF) {
                sum += Double.parseDouble(m.group(1));
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
