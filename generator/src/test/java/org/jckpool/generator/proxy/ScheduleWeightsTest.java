package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.suite.config.ScheduleConfig;
import org.junit.jupiter.api.Test;

/** Weights set at run time (ckpmsg / the JSON API's {"weights":…}) and what a failover proxy says to them. */
class ScheduleWeightsTest {
    /** Nothing listens on port 1: the managers below never get an upstream up, which these tests do not need. */
    private static final List<ProxyConfig> WEIGHTED = List.of(
            new ProxyConfig("127.0.0.1:1", "a", "x", "alpha", 70.0),
            new ProxyConfig("127.0.0.1:1", "b", "x", "beta", 30.0));

    private static final UpstreamSink NO_SINK = new UpstreamSink() {
        @Override
        public void work(Upstream u, long generation, StratumClient c, Notify n, boolean clean) {
        }

        @Override
        public void switchWork(Upstream u, long generation, StratumClient c, Notify n) {
        }

        @Override
        public void difficulty(Upstream u, long generation, double diff) {
        }
    };

    private static UpstreamManager manager(List<ProxyConfig> configs, ScheduleConfig schedule) {
        return new UpstreamManager(configs, schedule, 0x1fffe000, 90_000, 30_000, NO_SINK);
    }

    private static double target(JsonNode schedule, int i) {
        return schedule.path("upstreams").path(i).path("target_percent").asDouble();
    }

    @Test
    void weightsByNameOrInConfigOrder() {
        try (UpstreamManager m = manager(WEIGHTED, new ScheduleConfig(2_000, 1_000))) {
            assertThat(target(m.schedule(), 0)).isEqualTo(70.0);
            assertThat(m.schedule().path("miners").isArray()).isTrue();
            assertThat(m.schedule().path("miners_tracked").asInt()).isZero();
            JsonNode s = m.setWeights(Json.parseOrNull("{\"weights\":{\"beta\":70}}"));
            assertThat(target(s, 0)).isEqualTo(50.0);
            assertThat(s.path("upstreams").path(1).path("weight").asDouble()).isEqualTo(70.0);
            s = m.setWeights(Json.parseOrNull("{\"weights\":[100,0]}"));
            assertThat(target(s, 0)).isEqualTo(100.0);
            assertThat(m.status().path("schedule").path("upstreams").path(1).path("target_percent").asDouble())
                    .isZero();
            assertThat(m.status().path("upstreams").path(0).path("name").asText()).isEqualTo("alpha");
        }
    }

    @Test
    void unusableWeightsAreRefusedAndChangeNothing() {
        try (UpstreamManager m = manager(WEIGHTED, new ScheduleConfig(2_000, 1_000))) {
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":{\"gamma\":1}}")))
                    .hasMessageContaining("no upstream named \"gamma\"");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":[1]}")))
                    .hasMessageContaining("expected 2 numbers");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":{\"alpha\":-5}}")))
                    .hasMessageContaining("weights.alpha: must be a number ≥ 0");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":{\"alpha\":\"x\"}}")))
                    .hasMessageContaining("must be a number");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":[0,0]}")))
                    .hasMessageContaining("at least one weight must be above 0");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":5}")))
                    .hasMessageContaining("an object {name: weight} or an array");
            assertThat(target(m.schedule(), 0)).isEqualTo(70.0);
        }
    }

    @Test
    void pricesAndAutoBalanceOverLiveControl() {
        List<ProxyConfig> priced = List.of(new ProxyConfig("127.0.0.1:1", "a", "x", "alpha", null, 1.0),
                new ProxyConfig("127.0.0.1:1", "b", "x", "beta", null, 0.9));
        try (UpstreamManager m = manager(priced, new ScheduleConfig(2_000, 1_000, true))) {
            JsonNode s = m.schedule();
            assertThat(s.path("auto").asBoolean()).isTrue();
            assertThat(target(s, 0)).isEqualTo(100.0);
            s = m.setWeights(Json.parseOrNull("{\"prices\":{\"beta\":1.1}}"));
            assertThat(target(s, 1)).isEqualTo(100.0);
            assertThat(s.path("upstreams").path(1).path("price").asDouble()).isEqualTo(1.1);
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":[1,1]}")))
                    .hasMessageContaining("auto-balance is on");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"prices\":{\"beta\":-1}}")))
                    .hasMessageContaining("prices.beta: must be a number ≥ 0");
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"auto\":\"no\"}")))
                    .hasMessageContaining("auto: must be true or false");
            s = m.setWeights(Json.parseOrNull("{\"auto\":false,\"weights\":{\"alpha\":70,\"beta\":30}}"));
            assertThat(s.path("auto").asBoolean()).isFalse();
            assertThat(target(s, 0)).isEqualTo(70.0);
        }
        try (UpstreamManager m = manager(WEIGHTED, new ScheduleConfig(2_000, 1_000))) {
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"auto\":true}")))
                    .hasMessageContaining("a price for every upstream");
            assertThat(m.setWeights(Json.parseOrNull("{\"prices\":[2,1],\"auto\":true}")).path("auto").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void aFailoverProxyHasNoSchedule() {
        try (UpstreamManager m = manager(List.of(new ProxyConfig("127.0.0.1:1", "a", "x")), null)) {
            assertThat(m.schedule()).isNull();
            assertThat(m.status().has("schedule")).isFalse();
            assertThatThrownBy(() -> m.setWeights(Json.parseOrNull("{\"weights\":[1]}")))
                    .hasMessageStartingWith("not a scheduling proxy");
        }
    }
}
