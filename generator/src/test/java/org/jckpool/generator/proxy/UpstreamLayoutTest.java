package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.suite.config.ScheduleConfig;
import org.jckpool.testkit.Await;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The scheduling proxy's extranonce layout across upstreams (real connections to {@link TinyStratumPool}s): the
 * room is the smallest extranonce2 whichever upstream subscribes first; an upstream with less room than the layout
 * (it came up later, or a stratifier already has a larger layout) is incompatible and never made active.
 */
class UpstreamLayoutTest {
    private static final long SLICE = 100;

    /** What the manager sent towards the stratifier: upstream index, its extranonce2 size, the room announced. */
    private record Sent(int upstream, int extranonce2Size, int room) {
    }

    private static final class Recorder implements UpstreamSink {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile UpstreamManager manager;

        private void add(Upstream u, StratumClient c) {
            sent.add(new Sent(u.index, c.extranonce2Size(), manager.layoutRoom()));
        }

        @Override
        public void work(Upstream u, long generation, StratumClient c, Notify n, boolean clean) {
            add(u, c);
        }

        @Override
        public void switchWork(Upstream u, long generation, StratumClient c, Notify n) {
            add(u, c);
        }

        @Override
        public void difficulty(Upstream u, long generation, double diff) {
        }
    }

    private static UpstreamManager manager(Recorder r, String url0, String url1) {
        // the small upstream's larger weight makes the scheduler pick it whenever it may (no work accepted yet:
        // every deficit is 0, and ties go to the larger weight)
        List<ProxyConfig> configs = List.of(new ProxyConfig(url0, "a", "x", "big", 10.0),
                new ProxyConfig(url1, "b", "x", "small", 90.0));
        UpstreamManager m = new UpstreamManager(configs, new ScheduleConfig(SLICE, SLICE), 0x1fffe000, 90_000,
                30_000, r);
        r.manager = m;
        return m;
    }

    private static boolean checkedAndUp(UpstreamManager m, int i) {
        return upstream(m, i).has("compatible") && upstream(m, i).path("alive").asBoolean();
    }

    private static JsonNode upstream(UpstreamManager m, int i) {
        return m.status().path("upstreams").path(i);
    }

    /** Runs the scheduler over {@code slices} slices ahead of the clock; returns the upstreams it made active. */
    private static List<Integer> slicesAhead(UpstreamManager m, int slices) {
        List<Integer> active = new CopyOnWriteArrayList<>();
        long now = System.currentTimeMillis();
        for (int k = 1; k <= slices; k++) {
            m.check(now + k * (SLICE + 1));
            Upstream a = m.activeUpstream();
            active.add(a == null ? -1 : a.index);
        }
        return active;
    }

    @ParameterizedTest(name = "the {0}-byte upstream subscribes first")
    @ValueSource(ints = {8, 4})
    void theRoomIsTheSmallestExtranonce2WhicheverUpstreamSubscribesFirst(int first) throws Exception {
        try (TinyStratumPool big = new TinyStratumPool(0, "aa000001", 8);
             TinyStratumPool small = new TinyStratumPool(0, "bb000001", 4)) {
            TinyStratumPool late = first == 8 ? small.hold() : big.hold();
            int lateIndex = late == big ? 0 : 1;
            Recorder r = new Recorder();
            try (UpstreamManager m = manager(r, big.url(), small.url())) {
                m.start();
                Await.until("the first upstream subscribed", () -> upstream(m, 1 - lateIndex).path("alive")
                        .asBoolean());
                assertThat(r.sent).as("no work before every upstream answered").isEmpty();
                assertThat(m.layoutRoom()).isZero();
                late.release();
                Await.until("work sent", () -> !r.sent.isEmpty());
                assertThat(r.sent.get(0).room()).as("the smallest extranonce2 of the two").isEqualTo(4);
                Await.until("both checked", () -> upstream(m, lateIndex).has("compatible"));
                assertThat(upstream(m, 0).path("compatible").asBoolean()).isTrue();
                assertThat(upstream(m, 1).path("compatible").asBoolean()).isTrue();
                assertThat(m.schedule().path("layout_extranonce2_size").asInt()).isEqualTo(4);
                // the late one counts as up once its work has arrived, which may follow its subscribe
                Await.until("the late upstream alive", () -> upstream(m, lateIndex).path("alive").asBoolean());
                assertThat(slicesAhead(m, 3)).as("the small one may be active").contains(1);
            }
        }
    }

    @Test
    void anUpstreamWithLessRoomThatComesUpLaterIsIncompatibleAndNeverActive() throws Exception {
        int smallPort;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smallPort = reserved.getLocalPort(); // nothing listens there at start: its first attempt fails
        }
        Recorder r = new Recorder();
        try (TinyStratumPool big = new TinyStratumPool(0, "aa000001", 8);
             UpstreamManager m = manager(r, big.url(), "127.0.0.1:" + smallPort)) {
            m.start();
            Await.until("work from the big upstream", () -> !r.sent.isEmpty());
            assertThat(r.sent.get(0)).isEqualTo(new Sent(0, 8, 8));
            try (TinyStratumPool small = new TinyStratumPool(smallPort, "bb000001", 4)) {
                Await.until("the small upstream connected with work and checked",
                        () -> upstream(m, 1).has("compatible") && upstream(m, 1).path("alive").asBoolean());
                JsonNode u1 = upstream(m, 1);
                assertThat(u1.path("compatible").asBoolean()).isFalse();
                assertThat(u1.path("incompatible").asText())
                        .isEqualTo("extranonce2 size 4 is smaller than the proxy's layout (8 bytes)");
                assertThat(slicesAhead(m, 20)).as("never active, whatever its weight").containsOnly(0);
                JsonNode s = m.schedule().path("upstreams");
                assertThat(s.path(1).path("healthy").asBoolean()).isFalse();
                assertThat(s.path(1).path("compatible").asBoolean()).isFalse();
                assertThat(s.path(1).path("effective_percent").asDouble()).isZero();
                assertThat(s.path(0).path("effective_percent").asDouble()).isEqualTo(100.0);
                assertThat(s.path(1).path("target_percent").asDouble()).isEqualTo(90.0);
                assertThat(r.sent).as("no work of the small upstream went out").allMatch(w -> w.upstream() == 0);
            }
        }
    }

    @Test
    void aStratifiersLargerLayoutMakesUpstreamsWithLessRoomIncompatible() throws Exception {
        Recorder r = new Recorder();
        try (TinyStratumPool big = new TinyStratumPool(0, "aa000001", 8);
             TinyStratumPool small = new TinyStratumPool(0, "bb000001", 4);
             UpstreamManager m = manager(r, big.url(), small.url())) {
            m.start();
            // checked against the layout, and up: its work arrived (which may follow the check)
            Await.until("both checked and up", () -> checkedAndUp(m, 0) && checkedAndUp(m, 1));
            assertThat(m.layoutRoom()).isEqualTo(4);
            m.stratifierLayout(8); // a stratifier that outlived an earlier generator has an 8-byte layout
            assertThat(m.layoutRoom()).isEqualTo(8);
            assertThat(upstream(m, 1).path("compatible").asBoolean()).isFalse();
            int before = r.sent.size();
            assertThat(slicesAhead(m, 20)).containsOnly(0);
            assertThat(r.sent.subList(before, r.sent.size())).allMatch(w -> w.upstream() == 0 && w.room() == 8);
            m.stratifierLayout(6);
            assertThat(m.layoutRoom()).as("the room only grows").isEqualTo(8);
        }
    }

    @Test
    void aFailoverProxyAnnouncesNoRoom() throws Exception {
        Recorder r = new Recorder();
        try (TinyStratumPool small = new TinyStratumPool(0, "bb000001", 4);
             UpstreamManager m = new UpstreamManager(List.of(new ProxyConfig(small.url(), "a", "x")), 0x1fffe000,
                     90_000, 30_000, r)) {
            r.manager = m;
            m.start();
            Await.until("work", () -> !r.sent.isEmpty());
            m.stratifierLayout(8);
            assertThat(m.layoutRoom()).isZero();
            assertThat(upstream(m, 0).has("compatible")).isFalse();
            assertThat(m.fitsLayout(m.activeUpstream().client)).isTrue();
        }
    }
}
