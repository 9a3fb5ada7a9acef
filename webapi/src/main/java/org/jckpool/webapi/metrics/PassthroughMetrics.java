package org.jckpool.webapi.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The passthrough family from the {@code /api/passthrough} document, except the trusted-remote series
 * ({@link RemoteMetrics}): the mode, in {@code -P}/{@code -R} the upstream link and routed miners (and the
 * redirector's figures), in a pool its downstream instances; downstream links no longer listed lose their series.
 */
final class PassthroughMetrics {
    private final Gauge mode;
    private final Gauge passthroughUpstreamUp;
    private final Gauge passthroughClients;
    private final Gauge passthroughConnections;
    private final Gauge passthroughConnectionClients;
    private final Gauge passthroughConnectionUp;
    private final Set<String> knownConnections = ConcurrentHashMap.newKeySet();
    private final Gauge redirectorMiners;
    private final Gauge downstreamPassthroughs;
    private final Gauge downstreamClients;

    private final Set<List<String>> knownDownstream = ConcurrentHashMap.newKeySet();
    private volatile String knownMode;

    PassthroughMetrics(PrometheusRegistry registry) {
        mode = Gauge.builder().name("jckpool_mode")
                .help("1 for the mode this instance runs in (pool, proxy, passthrough, redirector, node, remote)")
                .labelNames("mode").register(registry);
        passthroughUpstreamUp = Gauge.builder().name("jckpool_passthrough_upstream_up")
                .help("Passthrough/redirector mode: 1 while the link to the upstream pool is connected, else 0")
                .register(registry);
        passthroughClients = Gauge.builder().name("jckpool_passthrough_clients")
                .help("Passthrough/redirector mode: miners routed over the upstream link").register(registry);
        passthroughConnections = Gauge.builder().name("jckpool_passthrough_connections")
                .help("Passthrough/redirector mode: upstream connections that are up").register(registry);
        passthroughConnectionClients = Gauge.builder().name("jckpool_passthrough_connection_clients")
                .help("Passthrough/redirector mode: miners placed on each upstream connection")
                .labelNames("connection").register(registry);
        passthroughConnectionUp = Gauge.builder().name("jckpool_passthrough_connection_up")
                .help("Passthrough/redirector mode: 1 while that upstream connection is up, else 0")
                .labelNames("connection").register(registry);
        redirectorMiners = Gauge.builder().name("jckpool_redirector_miners")
                .help("Redirector mode: miners redirected and dropped idle since start, and those still screened")
                .labelNames("state").register(registry);
        downstreamPassthroughs = Gauge.builder().name("jckpool_downstream_passthroughs")
                .help("Pool mode: downstream passthrough instances connected").register(registry);
        downstreamClients = Gauge.builder().name("jckpool_downstream_clients")
                .help("Pool mode: miners behind each downstream passthrough instance")
                .labelNames("link", "address").register(registry);
    }

    void update(JsonNode status) {
        String m = status.path("mode").asText("");
        if (!m.isEmpty() && !m.equals(knownMode)) {
            if (knownMode != null) {
                mode.remove(knownMode);
            }
            knownMode = m;
            mode.labelValues(m).set(1);
        }
        if (status.has("upstream") && !"remote".equals(m)) {
            passthroughUpstreamUp.set(status.path("upstream").path("connected").asBoolean() ? 1 : 0);
            passthroughClients.set(status.path("clients").asDouble(0));
        }
        if (status.path("connections").isArray()) {
            connections(status.path("connections"));
        }
        JsonNode r = status.path("redirector");
        if (r.isObject()) {
            redirectorMiners.labelValues("redirected").set(r.path("redirected").asDouble(0));
            redirectorMiners.labelValues("dropped_idle").set(r.path("dropped_idle").asDouble(0));
            redirectorMiners.labelValues("screening").set(r.path("screening").asDouble(0));
        }
        if (status.has("downstream")) {
            downstream(status.path("downstream"));
        }
    }

    private void connections(JsonNode list) {
        int up = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode c : list) {
            boolean connected = c.path("connected").asBoolean();
            up += connected ? 1 : 0;
            if (seen.size() >= Metrics.MAX_LABEL_VALUES) {
                continue;
            }
            String id = c.path("id").asText();
            seen.add(id);
            passthroughConnectionClients.labelValues(id).set(c.path("clients").asDouble(0));
            passthroughConnectionUp.labelValues(id).set(connected ? 1 : 0);
        }
        for (String id : knownConnections) {
            if (!seen.contains(id)) {
                passthroughConnectionClients.remove(id);
                passthroughConnectionUp.remove(id);
                knownConnections.remove(id);
            }
        }
        knownConnections.addAll(seen);
        passthroughConnections.set(up);
    }

    private void downstream(JsonNode links) {
        Set<List<String>> seen = new HashSet<>();
        for (JsonNode d : links) {
            if (seen.size() >= Metrics.MAX_LABEL_VALUES) {
                break;
            }
            List<String> labels = List.of(d.path("id").asText(), d.path("address").asText());
            seen.add(labels);
            downstreamClients.labelValues(labels.get(0), labels.get(1)).set(d.path("clients").asDouble(0));
        }
        for (List<String> labels : knownDownstream) {
            if (!seen.contains(labels)) {
                downstreamClients.remove(labels.get(0), labels.get(1));
                knownDownstream.remove(labels);
            }
        }
        knownDownstream.addAll(seen);
        downstreamPassthroughs.set(links.size());
    }
}
