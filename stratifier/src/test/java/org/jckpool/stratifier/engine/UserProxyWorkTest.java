package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.share.UpstreamForwarder;
import org.jckpool.stratifier.work.Job;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** User proxy mode in the engine: each user's miners get only their user's session's work, shares go there. */
class UserProxyWorkTest {
    static JsonNode userWork(String user, long generation, String job) {
        ObjectNode n = (ObjectNode) ProxyWorkTest.work(generation, 8, job, true, 1e-10);
        n.put("user", user);
        return n;
    }

    @Test
    void eachUserMinesOnItsOwnSessionsWork() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        List<String> forwarded = new ArrayList<>();
        List<String> miners = new ArrayList<>();
        h.engine.upstreamForwarder(new UpstreamForwarder() {
            @Override
            public void forward(ClientSession s, Job job, SubmitParams p, double shareDiff, boolean block) {
                forwarded.add(s.userName() + ":" + job.base().upstream().jobId() + ":" + job.base().upstream()
                        .generation());
            }

            @Override
            public void userMiners(String user, int n) {
                miners.add(user + "=" + n);
            }
        });
        h.engine.userProxy(true);
        h.engine.onUpstreamWork(ProxyWorkTest.work(1, 8, "own", true, 1e-10)); // the proxy's own session
        long a = h.miner(1, "alice.rig1", false);
        assertThat(h.jobId(a)).as("no work before alice's session has some").isNull();
        long b = h.miner(2, "bob.rig1", false);
        long a2 = h.miner(3, "alice.rig2", false);
        assertThat(miners).containsExactly("alice=1", "bob=1", "alice=2");

        h.engine.onUpstreamWork(userWork("alice", 2, "a-1"));
        assertThat(h.jobId(a)).isNotNull();
        assertThat(h.jobId(a2)).isNotNull();
        assertThat(h.jobId(b)).as("alice's work is not bob's").isNull();
        h.engine.onUpstreamWork(userWork("bob", 3, "b-1"));
        assertThat(h.out.lastMethod(b, "mining.set_difficulty")).as("difficulty before the first work").isNotNull();

        String ntime = String.format("%08x", Vectors.C_TIME);
        assertThat(h.submit(a, 10, "alice.rig1", h.jobId(a), "00000001", ntime, "00000000", null)
                .path("result").asBoolean()).isTrue();
        assertThat(h.submit(b, 10, "bob.rig1", h.jobId(b), "00000001", ntime, "00000000", null)
                .path("result").asBoolean()).isTrue();
        assertThat(forwarded).containsExactly("alice:a-1:2", "bob:b-1:3");

        h.engine.onDisconnect(b, "gone");
        assertThat(miners).endsWith("bob=0");
    }
}
