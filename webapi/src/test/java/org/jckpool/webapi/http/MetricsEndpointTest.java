package org.jckpool.webapi.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import org.jckpool.webapi.InMemoryPoolView;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final Instant NOW = Instant.parse("2026-11-26T05:00:00Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private MutableClock clock;
    private InMemoryPoolView view;
    private Metrics metrics;
    private WebApiServer server;

    @BeforeEach
    void start() throws IOException {
        clock = new MutableClock(NOW);
        view = InMemoryPoolView.sample(NOW);
        metrics = Metrics.create(clock);
        server = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)), view, metrics, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE jckpool_shares_total counter")
                .contains("# HELP jckpool_hashrate_hashes_per_second ");
        return PrometheusText.parse(response.body());
    }

    @Test
    void schedulingProxyFiguresPerUpstream() throws Exception {
        JsonNode status = new ObjectMapper().readTree("""
                {"active":0,"upstreams":[{"index":0,"url":"a:1","alive":true,"active":true,"accepted":70,"rejected":1,
                 "stale":1,"compatible":true},{"index":1,"url":"b:2","alive":true,"active":false,"compatible":false,
                 "incompatible":"extranonce2 size 4 is smaller than the proxy's layout (8 bytes)"},
                 {"index":2,"url":"c:3","alive":false,"active":false}],
                 "schedule":{"current":0,"upstreams":[
                  {"index":0,"name":"alpha","weight":70,"target_percent":70,"achieved_10m_percent":69.5,
                   "achieved_1h_percent":70.2,"switches":12,"accepted_work":0.0007},
                  {"index":1,"name":"beta","weight":30,"target_percent":30,"achieved_10m_percent":30.5,
                   "achieved_1h_percent":29.8,"switches":11,"accepted_work":0.0003}]}}""");
        metrics.upstreamStatus(status);
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_schedule_weight{name=\"alpha\",upstream=\"0\"}", 70.0)
                .containsEntry("jckpool_schedule_target_percent{name=\"beta\",upstream=\"1\"}", 30.0)
                .containsEntry("jckpool_schedule_achieved_percent{name=\"alpha\",upstream=\"0\",window=\"10m\"}", 69.5)
                .containsEntry("jckpool_schedule_achieved_percent{name=\"beta\",upstream=\"1\",window=\"1h\"}", 29.8)
                .containsEntry("jckpool_schedule_switches{name=\"beta\",upstream=\"1\"}", 11.0)
                .containsEntry("jckpool_schedule_accepted_work{name=\"alpha\",upstream=\"0\"}", 0.0007)
                .containsEntry("jckpool_upstream_shares{result=\"stale\",upstream=\"0\",url=\"a:1\"}", 1.0)
                .containsEntry("jckpool_upstream_compatible{upstream=\"0\",url=\"a:1\"}", 1.0)
                .containsEntry("jckpool_upstream_compatible{upstream=\"1\",url=\"b:2\"}", 0.0)
                .doesNotContainKey("jckpool_upstream_compatible{upstream=\"2\",url=\"c:3\"}");
    }

    @Test
    void schedulingProxyFiguresPerMinerAreBoundedAndFollowTheList() throws Exception {
        StringBuilder miners = new StringBuilder();
        for (int k = 0; k < 40; k++) {
            miners.append(k == 0 ? "" : ",").append("""
                    {"worker":"w%d","upstreams":[
                     {"index":0,"name":"alpha","accepted_work":%d,"achieved_10m_percent":70,"achieved_1h_percent":69,
                      "accepted":7,"rejected":1,"stale":1},
                     {"index":1,"name":"beta","accepted_work":3,"achieved_10m_percent":30,"achieved_1h_percent":31,
                      "accepted":3,"rejected":0,"stale":0}]}""".formatted(k, 100 - k));
        }
        ObjectMapper json = new ObjectMapper();
        metrics.upstreamStatus(json.readTree("{\"upstreams\":[],\"schedule\":{\"upstreams\":[],\"miners\":["
                + miners + "]}}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_schedule_miner_accepted_work{miner=\"w0\",name=\"alpha\",upstream=\"0\"}",
                        100.0)
                .containsEntry("jckpool_schedule_miner_achieved_percent{miner=\"w1\",name=\"beta\",upstream=\"1\","
                        + "window=\"10m\"}", 30.0)
                .containsEntry("jckpool_schedule_miner_achieved_percent{miner=\"w1\",name=\"alpha\",upstream=\"0\","
                        + "window=\"1h\"}", 69.0)
                .containsEntry("jckpool_schedule_miner_shares{miner=\"w31\",name=\"alpha\",result=\"stale\","
                        + "upstream=\"0\"}", 1.0)
                .doesNotContainKey("jckpool_schedule_miner_accepted_work{miner=\"w32\",name=\"alpha\",upstream=\"0\"}");
        assertThat(m.keySet().stream().filter(k -> k.startsWith("jckpool_schedule_miner_accepted_work{")))
                .hasSize(32 * 2);

        // a miner no longer listed loses its series
        metrics.upstreamStatus(json.readTree("{\"upstreams\":[],\"schedule\":{\"upstreams\":[],\"miners\":["
                + miners.substring(0, miners.indexOf(",{\"worker\":\"w1\"")) + "]}}"));
        m = scrape();
        assertThat(m.keySet().stream().filter(k -> k.startsWith("jckpool_schedule_miner_")))
                .allMatch(k -> k.contains("miner=\"w0\""))
                .hasSize(2 * (1 + 2 + 3));
    }

    @Test
    void gaugesComeFromThePoolViewAtEachScrape() throws Exception {
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_shares_total{reason=\"none\",result=\"accepted\"}", 0.0)
                .containsEntry("jckpool_block_submissions_total{result=\"rejected\"}", 0.0)
                .containsEntry("jckpool_hashrate_hashes_per_second{window=\"1m\"}", 1.6e13)
                .containsEntry("jckpool_hashrate_hashes_per_second{window=\"7d\"}", 1.6e13)
                .containsEntry("jckpool_users", 2.0)
                .containsEntry("jckpool_workers", 3.0)
                .containsEntry("jckpool_clients_connected", 3.0)
                .containsEntry("jckpool_best_share_difficulty", 9.87e9)
                .containsEntry("jckpool_block_height", 871234.0)
                .containsEntry("jckpool_network_difficulty", 1.0234e14)
                .containsEntry("jckpool_template_age_seconds", 5.0)
                .containsEntry("jckpool_node_up{node=\"http://127.0.0.1:8332\"}", 0.0)
                .containsEntry("jckpool_node_up{node=\"http://127.0.0.1:18332\"}", 1.0)
                .containsEntry("jckpool_node_active{node=\"http://127.0.0.1:18332\"}", 1.0);
        // JVM metrics from the official instrumentation.
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(k -> k.startsWith("jvm_threads_current"))
                .anyMatch(k -> k.startsWith("process_cpu_seconds_total"));

        clock.advance(Duration.ofSeconds(20));
        PoolSummary s = view.summary;
        view.summary = new PoolSummary(s.startedAt(), InMemoryPoolView.flat(2.5e13), 5, 9, 11, s.shares(),
                s.bestShare(), s.network(), List.of(new NodeStatus("http://127.0.0.1:8332", true, true)),
                s.blocksFound());
        m = scrape();
        assertThat(m).containsEntry("jckpool_hashrate_hashes_per_second{window=\"1m\"}", 2.5e13)
                .containsEntry("jckpool_users", 5.0)
                .containsEntry("jckpool_template_age_seconds", 25.0)
                .containsEntry("jckpool_node_active{node=\"http://127.0.0.1:8332\"}", 1.0)
                .doesNotContainKey("jckpool_node_up{node=\"http://127.0.0.1:18332\"}");
    }

    @Test
    void countersMoveWithEvents() throws Exception {
        Map<String, Double> before = scrape();
        // A scrape is counted once it has been answered, so the first one does not see itself.
        assertThat(before).doesNotContainKey("jckpool_http_requests_total{code=\"200\"}");

        metrics.clientConnected();
        metrics.clientConnected();
        metrics.clientDisconnected();
        metrics.shareAccepted(1024);
        metrics.shareAccepted(2048);
        metrics.shareRejected("Stale share");
        metrics.shareRejected("stale share");
        metrics.shareRejected("Above target!");
        metrics.templateReceived(871235, 1.1e14, NOW);
        metrics.blockFound();
        metrics.blockSubmitted(true);
        metrics.blockSubmitted(false);
        metrics.nodeFailover();
        metrics.ipcQueueDepth("connector", 17);
        metrics.ipcLatency("connector", Duration.ofMillis(3));
        metrics.processRestarted("generator");

        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_client_connections_total", 2.0)
                .containsEntry("jckpool_client_disconnections_total", 1.0)
                .containsEntry("jckpool_shares_total{reason=\"none\",result=\"accepted\"}", 2.0)
                .containsEntry("jckpool_shares_total{reason=\"stale_share\",result=\"rejected\"}", 2.0)
                .containsEntry("jckpool_shares_total{reason=\"above_target\",result=\"rejected\"}", 1.0)
                .containsEntry("jckpool_accepted_difficulty_total", 3072.0)
                .containsEntry("jckpool_templates_total", 1.0)
                .containsEntry("jckpool_blocks_found_total", 1.0)
                .containsEntry("jckpool_block_submissions_total{result=\"accepted\"}", 1.0)
                .containsEntry("jckpool_block_submissions_total{result=\"rejected\"}", 1.0)
                .containsEntry("jckpool_node_failovers_total", 1.0)
                .containsEntry("jckpool_ipc_queue_depth{stream=\"connector\"}", 17.0)
                .containsEntry("jckpool_ipc_latency_seconds_count{stream=\"connector\"}", 1.0)
                .containsEntry("jckpool_ipc_latency_seconds_bucket{le=\"0.005\",stream=\"connector\"}", 1.0)
                .containsEntry("jckpool_ipc_latency_seconds_bucket{le=\"0.0025\",stream=\"connector\"}", 0.0)
                .containsEntry("jckpool_process_restarts_total{process=\"generator\"}", 1.0)
                .containsEntry("jckpool_http_requests_total{code=\"200\"}", 1.0);
        assertThat(m.get("jckpool_ipc_latency_seconds_sum{stream=\"connector\"}")).isCloseTo(0.003,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void thePassthroughFamilyIsExported() throws Exception {
        ObjectMapper json = new ObjectMapper();
        metrics.passthroughStatus(json.readTree("{\"mode\":\"redirector\",\"upstream\":{\"connected\":true},"
                + "\"clients\":5,\"redirector\":{\"redirected\":3,\"dropped_idle\":1,\"screening\":2}}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_mode{mode=\"redirector\"}", 1.0)
                .containsEntry("jckpool_passthrough_upstream_up", 1.0)
                .containsEntry("jckpool_passthrough_clients", 5.0)
                .containsEntry("jckpool_redirector_miners{state=\"redirected\"}", 3.0)
                .containsEntry("jckpool_redirector_miners{state=\"dropped_idle\"}", 1.0)
                .containsEntry("jckpool_redirector_miners{state=\"screening\"}", 2.0);
        metrics.passthroughStatus(json.readTree("{\"mode\":\"passthrough\",\"upstream\":{\"connected\":false},"
                + "\"clients\":0}"));
        m = scrape();
        assertThat(m).containsEntry("jckpool_mode{mode=\"passthrough\"}", 1.0)
                .doesNotContainKey("jckpool_mode{mode=\"redirector\"}")
                .containsEntry("jckpool_passthrough_upstream_up", 0.0);
    }

    @Test
    void eachUpstreamConnectionOfAPassthroughIsExportedAndGoneOnesLoseTheirSeries() throws Exception {
        ObjectMapper json = new ObjectMapper();
        metrics.passthroughStatus(json.readTree("{\"mode\":\"passthrough\",\"upstream\":{\"connected\":true},"
                + "\"clients\":5,\"connections\":[{\"id\":0,\"connected\":true,\"clients\":3},"
                + "{\"id\":1,\"connected\":false,\"clients\":2}]}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_passthrough_connections", 1.0)
                .containsEntry("jckpool_passthrough_connection_clients{connection=\"0\"}", 3.0)
                .containsEntry("jckpool_passthrough_connection_clients{connection=\"1\"}", 2.0)
                .containsEntry("jckpool_passthrough_connection_up{connection=\"0\"}", 1.0)
                .containsEntry("jckpool_passthrough_connection_up{connection=\"1\"}", 0.0);
        metrics.passthroughStatus(json.readTree("{\"mode\":\"passthrough\",\"upstream\":{\"connected\":true},"
                + "\"clients\":3,\"connections\":[{\"id\":0,\"connected\":true,\"clients\":3}]}"));
        m = scrape();
        assertThat(m).containsEntry("jckpool_passthrough_connections", 1.0)
                .doesNotContainKey("jckpool_passthrough_connection_clients{connection=\"1\"}")
                .doesNotContainKey("jckpool_passthrough_connection_up{connection=\"1\"}");
    }

    @Test
    void downstreamPassthroughsAreExportedAndGoneLinksLoseTheirSeries() throws Exception {
        ObjectMapper json = new ObjectMapper();
        metrics.passthroughStatus(json.readTree("{\"mode\":\"pool\",\"downstream\":["
                + "{\"id\":7,\"address\":\"10.0.0.9:4000\",\"clients\":12},"
                + "{\"id\":9,\"address\":\"10.0.0.8:4001\",\"clients\":3}]}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_mode{mode=\"pool\"}", 1.0)
                .containsEntry("jckpool_downstream_passthroughs", 2.0)
                .containsEntry("jckpool_downstream_clients{address=\"10.0.0.9:4000\",link=\"7\"}", 12.0)
                .containsEntry("jckpool_downstream_clients{address=\"10.0.0.8:4001\",link=\"9\"}", 3.0);
        metrics.passthroughStatus(json.readTree("{\"mode\":\"pool\",\"downstream\":["
                + "{\"id\":9,\"address\":\"10.0.0.8:4001\",\"clients\":4}]}"));
        m = scrape();
        assertThat(m).containsEntry("jckpool_downstream_passthroughs", 1.0)
                .containsEntry("jckpool_downstream_clients{address=\"10.0.0.8:4001\",link=\"9\"}", 4.0)
                .doesNotContainKey("jckpool_downstream_clients{address=\"10.0.0.9:4000\",link=\"7\"}");
    }

    @Test
    void aMainPoolsTrustedRemotesAreExportedPerRemoteAndBounded() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(scrape().keySet()).as("no remote series on a pool without remotes")
                .noneMatch(k -> k.startsWith("jckpool_remote"));
        metrics.passthroughStatus(json.readTree("{\"mode\":\"pool\",\"downstream\":[],\"remotes\":["
                + "{\"id\":\"edge1\",\"connected\":true,\"seq\":41,\"shares\":30,\"rejected\":2,\"diff\":224.5,"
                + "\"shareerrors\":3,\"blocks\":1,\"replays\":7},"
                + "{\"id\":\"edge2\",\"connected\":false,\"seq\":5,\"shares\":4,\"diff\":8}]}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_remotes_connected", 1.0)
                .containsEntry("jckpool_remote_connected{remote=\"edge1\"}", 1.0)
                .containsEntry("jckpool_remote_connected{remote=\"edge2\"}", 0.0)
                .containsEntry("jckpool_remote_last_seq{remote=\"edge1\"}", 41.0)
                .containsEntry("jckpool_remote_shares_total{remote=\"edge1\",result=\"accepted\"}", 28.0)
                .containsEntry("jckpool_remote_shares_total{remote=\"edge1\",result=\"rejected\"}", 5.0)
                .containsEntry("jckpool_remote_shares_total{remote=\"edge2\",result=\"accepted\"}", 4.0)
                .containsEntry("jckpool_remote_accepted_difficulty_total{remote=\"edge1\"}", 224.5)
                .containsEntry("jckpool_remote_blocks_total{remote=\"edge1\"}", 1.0)
                .containsEntry("jckpool_remote_replays_total{remote=\"edge1\"}", 7.0)
                .doesNotContainKey("jckpool_remote_upstream_up");

        StringBuilder many = new StringBuilder("{\"mode\":\"pool\",\"remotes\":[");
        for (int i = 0; i < 40; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i).append("\",\"connected\":true,")
                    .append("\"shares\":10,\"diff\":1}");
        }
        metrics.passthroughStatus(json.readTree(many.append("]}").toString()));
        m = scrape();
        assertThat(m.keySet().stream().filter(k -> k.startsWith("jckpool_remote_connected{")).count())
                .as("32 named, the rest summed as other").isEqualTo(33);
        assertThat(m).containsEntry("jckpool_remote_connected{remote=\"other\"}", 8.0)
                .containsEntry("jckpool_remote_shares_total{remote=\"other\",result=\"accepted\"}", 80.0)
                .containsEntry("jckpool_remotes_connected", 40.0)
                .doesNotContainKey("jckpool_remote_connected{remote=\"edge1\"}");
    }

    @Test
    void aRemotesUpstreamLinkAndOutboxAreExported() throws Exception {
        ObjectMapper json = new ObjectMapper();
        metrics.passthroughStatus(json.readTree("{\"mode\":\"remote\",\"downstream\":[],\"remotes\":[],"
                + "\"upstream\":{\"upstream\":\"main:3336\",\"connected\":false,\"acked\":90,\"last_seq\":120,"
                + "\"pending\":30,\"dropped\":2}}"));
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("jckpool_mode{mode=\"remote\"}", 1.0)
                .containsEntry("jckpool_remote_upstream_up", 0.0)
                .containsEntry("jckpool_remote_outbox_pending", 30.0)
                .containsEntry("jckpool_remote_acked_seq", 90.0)
                .containsEntry("jckpool_remote_outbox_last_seq", 120.0)
                .containsEntry("jckpool_remote_outbox_dropped_total", 2.0)
                .doesNotContainKey("jckpool_remotes_connected");
        metrics.passthroughStatus(json.readTree("{\"mode\":\"remote\",\"upstream\":{\"connected\":true,"
                + "\"acked\":120,\"last_seq\":120,\"pending\":0}}"));
        assertThat(scrape()).containsEntry("jckpool_remote_upstream_up", 1.0)
                .containsEntry("jckpool_remote_outbox_pending", 0.0)
                .as("a remote's link is not a passthrough's").containsEntry("jckpool_passthrough_upstream_up", 0.0);
    }

    @Test
    void freeTextLabelsAreCapped() throws Exception {
        for (int i = 0; i < 100; i++) {
            metrics.shareRejected("reason number " + i);
        }
        Map<String, Double> m = scrape();
        long reasons = m.keySet().stream().filter(k -> k.startsWith("jckpool_shares_total{") && k.contains("rejected"))
                .count();
        assertThat(reasons).isEqualTo(33); // 32 distinct plus "other"
        assertThat(m).containsEntry("jckpool_shares_total{reason=\"other\",result=\"rejected\"}", 68.0);
    }

    @Test
    void grafanaDashboardUsesOnlyExportedNames() throws Exception {
        metrics.shareRejected("stale");
        metrics.ipcQueueDepth("connector", 1);
        metrics.ipcLatency("connector", Duration.ofMillis(1));
        metrics.processRestarted("generator");
        metrics.templateReceived(1, 1, NOW);
        scrape(); // so the http request counter has a series
        Set<String> exported = new HashSet<>();
        scrape().keySet().forEach(k -> exported.add(k.replaceAll("\\{.*", "")));

        String dashboard = Files.readString(Path.of("..", "scripts", "grafana", "jckpool-dashboard.json"));
        JsonNode parsed = new ObjectMapper().readTree(dashboard);
        assertThat(parsed.get("panels").size()).isGreaterThan(10);
        Matcher names = Pattern.compile("\\b(?:jckpool|jvm|process)_[a-z0-9_]+").matcher(dashboard);
        Set<String> used = new HashSet<>();
        while (names.find()) {
            used.add(names.group());
        }
        assertThat(used).contains("jckpool_hashrate_hashes_per_second", "jckpool_shares_total",
                "jckpool_ipc_latency_seconds_bucket", "jvm_memory_used_bytes");
        assertThat(exported).containsAll(used);
    }
}
