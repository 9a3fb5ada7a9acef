package org.jckpool.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jckpool.generator.node.NodesSnapshot;
import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.simnode.rpc.FailureMode;
import org.jckpool.simnode.SimNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover between two simulated nodes: a dead, broken or hung node is skipped, a preferred node is returned to. */
class NodeFailoverTest {
    private final Nodes sims = new Nodes();
    private Generator gen;

    @AfterEach
    void stop() {
        if (gen != null) {
            gen.close();
        }
        sims.close();
    }

    private String active() {
        var a = gen.nodes().active();
        return a == null ? null : a.url();
    }

    @Test
    void stoppedFirstNodeFailsOverWithinFiveSecondsAndIsReturnedToWhenBack() throws Exception {
        SimNode first = sims.start();
        SimNode second = sims.start();
        String u1 = Nodes.btcd(first).url();
        String u2 = Nodes.btcd(second).url();
        // the real watchdog period (5 s) and check waits: what the pool runs with
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(first), Nodes.btcd(second)), null)
                .withTimeouts(NodeTimeouts.DEFAULT));
        List<NodesSnapshot> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        gen.nodes().addListener(statuses::add);
        gen.start();
        assertThat(active()).isEqualTo(u1);
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        assertThat(sims.templates.get(0).node()).isEqualTo(u1);
        assertThat(sims.templates.get(0).reason()).isEqualTo("start");

        int port = first.port();
        first.close();
        assertThat(Nodes.waitFor(() -> u2.equals(active()), 5000)).as("failover to the second node").isTrue();
        assertThat(Nodes.waitFor(() -> sims.templates.stream().anyMatch(t -> t.node().equals(u2)), 5000)).isTrue();
        assertThat(statuses).anySatisfy(s -> {
            assertThat(s.active()).isEqualTo(u2);
            assertThat(s.nodes().get(0).alive()).isFalse();
        });

        sims.restartOn(port);
        assertThat(Nodes.waitFor(() -> u1.equals(active()), 7000)).as("back to the first node").isTrue();
        assertThat(Nodes.waitFor(() -> sims.templates.get(sims.templates.size() - 1).node().equals(u1), 5000))
                .isTrue();
        assertThat(gen.stats().get("nodes_alive").asInt()).isEqualTo(2);
    }

    @Test
    void brokenNodesAreSkippedAndNeverTakeTheGeneratorDown() throws Exception {
        SimNode first = sims.start();
        SimNode second = sims.start();
        String u1 = Nodes.btcd(first).url();
        String u2 = Nodes.btcd(second).url();
        first.setMode(FailureMode.HTTP500);
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(first), Nodes.btcd(second)), null));
        gen.start();
        assertThat(active()).isEqualTo(u2);
        assertThat(gen.nodes().nodes().get(0).problem()).contains("500");

        first.setMode(FailureMode.GARBAGE);
        assertThat(Nodes.waitFor(() -> String.valueOf(gen.nodes().nodes().get(0).problem()).contains("bad reply"),
                4000)).isTrue();
        assertThat(active()).isEqualTo(u2);

        first.setMode(FailureMode.HANG);
        assertThat(Nodes.waitFor(() -> String.valueOf(gen.nodes().nodes().get(0).problem()).contains("timeout"),
                6000)).isTrue();
        assertThat(active()).isEqualTo(u2);
        assertThat(gen.getbase().get("node").asText()).isEqualTo(u2);

        first.setMode(FailureMode.OK);
        assertThat(Nodes.waitFor(() -> u1.equals(active()), 4000)).isTrue();

        // the active node hangs: the tip poll times out and the second node takes over
        first.setMode(FailureMode.HANG);
        assertThat(Nodes.waitFor(() -> u2.equals(active()), 5000)).isTrue();
        first.setMode(FailureMode.OK);
    }

    @Test
    void noLiveNodeIsNotFatalAndWorkResumesWhenOneComesBack() throws Exception {
        SimNode only = sims.start();
        int port = only.port();
        String url = Nodes.btcd(only).url();
        only.close();
        gen = sims.generator(Nodes.settings(List.of(new BtcdConfig(url, "u", "p", false)), null));
        gen.start();
        assertThat(gen.nodes().active()).isNull();
        assertThat(gen.stats().get("active").isNull()).isTrue();
        assertThat(gen.getbase().has("error")).isTrue();

        sims.restartOn(port);
        assertThat(Nodes.waitFor(() -> url.equals(active()), 4000)).isTrue();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 4000)).isTrue();
        assertThat(gen.getbase().get("height").asLong()).isEqualTo(1);
    }

    @Test
    void invalidBtcaddressMakesTheNodeUnusableWithAClearReason() throws Exception {
        SimNode n = sims.start();
        gen = sims.generator(new GeneratorSettings(List.of(Nodes.btcd(n)), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                100, 30, null, Nodes.FAST));
        gen.start();
        assertThat(gen.nodes().active()).isNull();
        assertThat(gen.nodes().nodes().get(0).problem()).contains("btcaddress").contains("regtest");
    }

    @Test
    void soloModeSkipsTheAddressCheck() throws Exception {
        SimNode n = sims.start();
        gen = sims.generator(new GeneratorSettings(List.of(Nodes.btcd(n)), null, 100, 30, null, Nodes.FAST));
        gen.start();
        assertThat(gen.nodes().active()).isNotNull();
        assertThat(gen.nodes().nodes().get(0).network().chainName()).isEqualTo("regtest");
    }
}
