package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinerLedgerTest {
    private static final long MINUTE = 60_000;

    private static JsonNode miner(JsonNode status, String worker) {
        for (JsonNode m : status.path("miners")) {
            if (m.path("worker").asText().equals(worker)) {
                return m;
            }
        }
        throw new AssertionError("no miner " + worker + " in " + status);
    }

    @Test
    void splitsEachMinersAcceptedWorkByUpstreamOverTenMinutesAndAnHour() {
        MinerLedger l = new MinerLedger(List.of("main", "other"));
        long t = 10 * 60 * MINUTE;
        // 50 minutes ago: work for "other" only, outside the 10 min window but inside the hour
        l.accepted("alice.rig1", 1, 600, t - 50 * MINUTE);
        // the last 10 minutes: 700 to main, 300 to other
        l.accepted("alice.rig1", 0, 700, t - 5 * MINUTE);
        l.accepted("alice.rig1", 1, 300, t - 2 * MINUTE);
        l.rejected("alice.rig1", 1, true);
        l.rejected("alice.rig1", 0, false);
        JsonNode a = miner(l.status(10, t), "alice.rig1");
        assertThat(a.path("accepted_work").asDouble()).isEqualTo(1600);
        assertThat(a.path("work_10m").asDouble()).isEqualTo(1000);
        assertThat(a.path("work_1h").asDouble()).isEqualTo(1600);
        JsonNode main = a.path("upstreams").path(0);
        JsonNode other = a.path("upstreams").path(1);
        assertThat(main.path("name").asText()).isEqualTo("main");
        assertThat(main.path("achieved_10m_percent").asDouble()).isCloseTo(70, within(1e-9));
        assertThat(other.path("achieved_10m_percent").asDouble()).isCloseTo(30, within(1e-9));
        assertThat(main.path("achieved_1h_percent").asDouble()).isCloseTo(700 / 16.0, within(1e-9));
        assertThat(other.path("accepted").asLong()).isEqualTo(2);
        assertThat(other.path("rejected").asLong()).isEqualTo(1);
        assertThat(other.path("stale").asLong()).isEqualTo(1);
        assertThat(main.path("rejected").asLong()).isEqualTo(1);
        assertThat(main.path("stale").asLong()).isZero();

        // an hour and more later the windows are empty, the totals stay
        JsonNode later = miner(l.status(10, t + 61 * MINUTE), "alice.rig1");
        assertThat(later.path("work_1h").asDouble()).isZero();
        assertThat(later.path("upstreams").path(0).path("achieved_10m_percent").asDouble()).isZero();
        assertThat(later.path("accepted_work").asDouble()).isEqualTo(1600);
    }

    @Test
    void listsTheTopMinersByRecentWorkAndKeepsABoundedNumber() {
        MinerLedger l = new MinerLedger(List.of("main", "other"), 3);
        long t = 1_000_000;
        l.accepted("slow", 0, 10, t);
        l.accepted("fast", 1, 1000, t);
        l.accepted("mid", 0, 100, t);
        JsonNode top2 = l.status(2, t);
        assertThat(top2.path("miners")).hasSize(2);
        assertThat(top2.path("miners").path(0).path("worker").asText()).isEqualTo("fast");
        assertThat(top2.path("miners").path(1).path("worker").asText()).isEqualTo("mid");
        assertThat(top2.path("miners_tracked").asInt()).isEqualTo(3);

        // a fourth miner pushes out the one whose last answer is oldest ("slow")
        l.accepted("mid", 0, 1, t + 1);
        l.accepted("fast", 1, 1, t + 2);
        l.accepted("new", 0, 5, t + 3);
        JsonNode all = l.status(10, t + 3);
        assertThat(all.path("miners_tracked").asInt()).isEqualTo(3);
        assertThat(all.path("miners_dropped").asLong()).isEqualTo(1);
        assertThat(all.path("miners").findValuesAsText("worker")).containsExactly("fast", "mid", "new");
    }

    @Test
    void ignoresSharesWithoutAWorkerOrForAnUnknownUpstream() {
        MinerLedger l = new MinerLedger(List.of("main"));
        l.accepted(null, 0, 5, 0);
        l.accepted("bob", 3, 5, 0);
        l.rejected("bob", -1, false);
        assertThat(l.status(10, 0).path("miners")).isEmpty();
    }
}
