package org.jckpool.webapi.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Proxy mode: one series set per upstream pool (up, active, shares by result, failures, difficulty, latency,
 * rejected percent), from the generator's upstream.status {@code upstreams} list; at most
 * {@link Metrics#MAX_LABEL_VALUES} upstreams are named.
 */
final class UpstreamMetrics {
    private final Gauge upstreamUp;
    private final Gauge upstreamActive;
    private final Gauge upstreamShares;
    private final Gauge upstreamFailures;
    private final Gauge upstreamDifficulty;
    private final Gauge upstreamLatency;
    private final Gauge upstreamRejectedPercent;
    private final Gauge upstreamCompatible;

    UpstreamMetrics(PrometheusRegistry registry) {
        upstreamUp = Gauge.builder().name("jckpool_upstream_up")
                .help("Proxy mode: 1 if the upstream pool is connected with work, else 0")
                .labelNames("upstream", "url").register(registry);
        upstreamActive = Gauge.builder().name("jckpool_upstream_active")
                .help("Proxy mode: 1 for the upstream pool miners work for, else 0")
                .labelNames("upstream", "url").register(registry);
        upstreamShares = Gauge.builder().name("jckpool_upstream_shares")
                .help("Proxy mode: shares submitted upstream by result (accepted, rejected, stale, lost)")
                .labelNames("upstream", "url", "result").register(registry);
        upstreamFailures = Gauge.builder().name("jckpool_upstream_failures")
                .help("Proxy mode: failed connection attempts (get) and lost working connections (remote)")
                .labelNames("upstream", "url", "kind").register(registry);
        upstreamDifficulty = Gauge.builder().name("jckpool_upstream_difficulty")
                .help("Proxy mode: the upstream's share difficulty").labelNames("upstream", "url").register(registry);
        upstreamLatency = Gauge.builder().name("jckpool_upstream_latency_seconds")
                .help("Proxy mode: round trip of the last answered request upstream")
                .labelNames("upstream", "url").register(registry);
        upstreamRejectedPercent = Gauge.builder().name("jckpool_upstream_rejected_percent")
                .help("Proxy mode: percent of submitted shares the upstream rejected")
                .labelNames("upstream", "url").register(registry);
        upstreamCompatible = Gauge.builder().name("jckpool_upstream_compatible")
                .help("Scheduling proxy: 1 if the upstream's extranonce2 leaves the proxy's layout room, 0 if it is "
                        + "incompatible (it gets no work); set once its connection was checked")
                .labelNames("upstream", "url").register(registry);
    }

    void update(JsonNode upstreams) {
        int n = 0;
        for (JsonNode u : upstreams) {
            if (n++ >= Metrics.MAX_LABEL_VALUES) {
                break;
            }
            String i = u.path("index").asText();
            String url = u.path("url").asText();
            upstreamUp.labelValues(i, url).set(u.path("alive").asBoolean() ? 1 : 0);
            upstreamActive.labelValues(i, url).set(u.path("active").asBoolean() ? 1 : 0);
            for (String r : new String[] {"accepted", "rejected", "stale", "lost"}) {
                upstreamShares.labelValues(i, url, r).set(u.path(r).asDouble(0));
            }
            upstreamFailures.labelValues(i, url, "get").set(u.path("get_failures").asDouble(0));
            upstreamFailures.labelValues(i, url, "remote").set(u.path("remote_failures").asDouble(0));
            upstreamDifficulty.labelValues(i, url).set(u.path("difficulty").asDouble(0));
            upstreamLatency.labelValues(i, url).set(u.path("latency_ms").asDouble(0) / 1000.0);
            upstreamRejectedPercent.labelValues(i, url).set(u.path("pool_rejected_percent").asDouble(0));
            if (u.has("compatible")) {
                upstreamCompatible.labelValues(i, url).set(u.path("compatible").asBoolean() ? 1 : 0);
            }
        }
    }
}
