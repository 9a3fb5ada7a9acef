package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduling proxy's switch: clean work for the miners, while the previous upstream's jobs stay valid. */
class ScheduledSwitchWorkTest {

    private static JsonNode switched(long generation, String job) {
        ObjectNode w = (ObjectNode) ProxyWorkTest.work(generation, 8, job, true, 1e-10);
        w.put("upstream", 1);
        w.put("switch", true);
        return w;
    }

    @Test
    void sharesOnThePreviousUpstreamsJobGoToItsGenerationAfterASwitch() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        List<ProxyWorkTest.Forwarded> fw = new ArrayList<>();
        h.engine.upstreamForwarder((s, job, p, diff, block) -> fw.add(new ProxyWorkTest.Forwarded(p.worker(),
                p.extranonce2(), job.base().upstream().jobId(), job.base().upstream().generation(), block)));
        h.engine.onUpstreamWork(ProxyWorkTest.work(1, 8, "a-1", true, 1e-10));
        long c = h.miner(1, "minerA", false);
        String jobOnA = h.jobId(c);
        String ntime = String.format("%08x", Vectors.C_TIME);

        h.engine.onUpstreamWork(switched(2, "b-1"));
        String jobOnB = h.jobId(c);
        assertThat(jobOnB).isNotEqualTo(jobOnA);
        assertThat(h.out.lastMethod(c, "mining.notify").path("params").get(8).asBoolean()).as("clean_jobs").isTrue();

        JsonNode late = h.submit(c, 10, "minerA", jobOnA, "00000001", ntime, "00000000", null);
        assertThat(late.path("result").asBoolean()).as("%s", late).isTrue();
        JsonNode onB = h.submit(c, 11, "minerA", jobOnB, "00000002", ntime, "00000000", null);
        assertThat(onB.path("result").asBoolean()).as("%s", onB).isTrue();
        assertThat(fw).extracting(ProxyWorkTest.Forwarded::jobId).containsExactly("a-1", "b-1");
        assertThat(fw).extracting(ProxyWorkTest.Forwarded::generation).containsExactly(1L, 2L);

        // a clean notify that is not a switch (a new block on b) still makes every older job stale
        h.engine.onUpstreamWork(ProxyWorkTest.work(2, 8, "b-2", true, 1e-10));
        JsonNode stale = h.submit(c, 12, "minerA", jobOnA, "00000003", ntime, "00000000", null);
        assertThat(stale.toString()).containsIgnoringCase("stale");
    }
}
