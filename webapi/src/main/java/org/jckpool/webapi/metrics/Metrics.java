package org.jckpool.webapi.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;

/**
 * The pool's Prometheus metrics, on its own registry (so several instances can live in one JVM, as in tests).
 * Event counters are bumped by the stratifier as things happen; level gauges are either set directly or
 * refreshed from a {@link PoolSummary} by {@link #updateFrom} (the web server does that before every scrape).
 * All methods are thread-safe and cheap enough for the share path.
 *
 * <p>Names follow Prometheus conventions: {@code jckpool_} prefix, base units (seconds, hashes per second),
 * counters exposed with {@code _total}. Label values that come from the outside (reject reasons, IPC stream
 * and process names) are normalised and capped so a misbehaving peer cannot blow up the series count.
 */
public final class Metrics {

    /** Distinct values per free-text label before further ones are counted as "other". */
    static final int MAX_LABEL_VALUES = 32;
    /** Distinct raw reject texts whose data point is remembered (the rest are normalised each time). */
    private static final int MAX_CACHED_REASONS = 256;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter textWriter = PrometheusTextFormatWriter.create();
    private final Clock clock;

    private final Gauge clientsConnected;
    private final Counter clientConnections;
    private final Counter clientDisconnections;
    private final Counter shares;
    private volatile CounterDataPoint acceptedShares;
    private final ConcurrentHashMap<String, CounterDataPoint> rejectedShares = new ConcurrentHashMap<>();
    private final Counter acceptedDifficulty;
    private final Gauge hashrate;
    private final Gauge users;
    private final Gauge workers;
    private final Gauge bestShare;
    private final Gauge networkDifficulty;
    private final Gauge blockHeight;
    private final Counter templates;
    /** The final outcomes of a block solution, as labels. */
    public static final List<String> SOLUTION_OUTCOMES = List.of("accepted", "rejected", "duplicate-height", "stale",
            "lost");

    private final Counter blocksFound;
    private final Counter blockSubmissions;
    private final Counter blockSolutions;
    private final Gauge nodeUp;
    private final Gauge nodeActive;
    private final Counter nodeFailovers;
    private final Gauge ipcQueueDepth;
    private final Histogram ipcLatency;
    private final Counter processRestarts;
    private final Counter httpRequests;
    private final UpstreamMetrics upstreams;
    private final ScheduleMetrics schedule;
    private final PassthroughMetrics passthrough;
    private final RemoteMetrics remotes;

    private final AtomicReference<Instant> templateTime = new AtomicReference<>();
    private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();
    private final LabelCap rejectReasons = new LabelCap();
    private final LabelCap ipcStreams = new LabelCap();
    private final LabelCap processes = new LabelCap();

    /** Pool metrics plus the JVM's (memory, GC, threads, CPU, …) from the client's JVM instrumentation. */
    public static Metrics create() {
        return create(Clock.systemUTC());
    }

    /** As {@link #create()}, with the clock the template age is measured against. */
    public static Metrics create(Clock clock) {
        Metrics metrics = new Metrics(clock);
        JvmMetrics.builder().register(metrics.registry);
        return metrics;
    }

    /** Pool metrics only, with the given clock for the template age; for tests. */
    public static Metrics withoutJvm(Clock clock) {
        return new Metrics(clock);
    }

    private Metrics(Clock clock) {
        this.clock = clock;
        clientsConnected = Gauge.builder().name("jckpool_clients_connected")
                .help("Stratum clients currently connected").register(registry);
        clientConnections = Counter.builder().name("jckpool_client_connections")
                .help("Stratum client connections accepted").register(registry);
        clientDisconnections = Counter.builder().name("jckpool_client_disconnections")
                .help("Stratum client connections closed").register(registry);
        shares = Counter.builder().name("jckpool_shares")
                .help("Shares submitted by miners, by result (accepted, rejected) and reject reason")
                .labelNames("result", "reason").register(registry);
        acceptedDifficulty = Counter.builder().name("jckpool_accepted_difficulty")
                .help("Sum of the difficulty of accepted shares (rate * 2^32 = hashes per second)")
                .register(registry);
        hashrate = Gauge.builder().name("jckpool_hashrate_hashes_per_second")
                .help("Pool hashrate, decaying average over the window").labelNames("window").register(registry);
        users = Gauge.builder().name("jckpool_users").help("Users with a connected worker").register(registry);
        workers = Gauge.builder().name("jckpool_workers").help("Workers with a connected client").register(registry);
        bestShare = Gauge.builder().name("jckpool_best_share_difficulty")
                .help("Highest share difficulty since start").register(registry);
        networkDifficulty = Gauge.builder().name("jckpool_network_difficulty")
                .help("Network difficulty of the current work").register(registry);
        blockHeight = Gauge.builder().name("jckpool_block_height")
                .help("Height of the block the pool is working on").register(registry);
        templates = Counter.builder().name("jckpool_templates")
                .help("Block templates received from the generator").register(registry);
        GaugeWithCallback.builder().name("jckpool_template_age_seconds")
                .help("Seconds since the current block template arrived")
                .callback(cb -> {
                    Instant t = templateTime.get();
                    if (t != null) {
                        cb.call(Duration.between(t, clock.instant()).toMillis() / 1000.0);
                    }
                }).register(registry);
        blocksFound = Counter.builder().name("jckpool_blocks_found")
                .help("Shares that solved a block").register(registry);
        blockSubmissions = Counter.builder().name("jckpool_block_submissions")
                .help("Block submissions answered by a node, by result (accepted, rejected)")
                .labelNames("result").register(registry);
        blockSolutions = Counter.builder().name("jckpool_block_solutions")
                .help("Block solutions by final outcome (accepted, rejected, duplicate-height, stale, lost)")
                .labelNames("outcome").register(registry);
        nodeUp = Gauge.builder().name("jckpool_node_up")
                .help("1 if the node answers RPC, else 0").labelNames("node").register(registry);
        nodeActive = Gauge.builder().name("jckpool_node_active")
                .help("1 for the node the pool takes work from, else 0").labelNames("node").register(registry);
        nodeFailovers = Counter.builder().name("jckpool_node_failovers")
                .help("Switches of the active node").register(registry);
        ipcQueueDepth = Gauge.builder().name("jckpool_ipc_queue_depth")
                .help("Frames waiting in an inter-process stream's send queue").labelNames("stream")
                .register(registry);
        ipcLatency = Histogram.builder().name("jckpool_ipc_latency_seconds")
                .help("Time from queueing a frame to the peer handling it (or a request's round trip)")
                .labelNames("stream")
                .classicOnly()
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                        0.25, 0.5, 1, 2.5)
                .register(registry);
        processRestarts = Counter.builder().name("jckpool_process_restarts")
                .help("Child processes restarted by the supervisor").labelNames("process").register(registry);
        httpRequests = Counter.builder().name("jckpool_http_requests")
                .help("Requests served by the web API, by status code").labelNames("code").register(registry);
        upstreams = new UpstreamMetrics(registry);
        schedule = new ScheduleMetrics(registry);
        passthrough = new PassthroughMetrics(registry);
        remotes = new RemoteMetrics(registry);

        // Series that should read 0 rather than be absent before the first event (rate() and alerts need them).
        shares.initLabelValues("accepted", "none");
        blockSubmissions.initLabelValues("accepted");
        blockSubmissions.initLabelValues("rejected");
        for (String outcome : SOLUTION_OUTCOMES) {
            blockSolutions.initLabelValues(outcome);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    // ---- clients and shares ----

    public void clientConnected() {
        clientConnections.inc();
        clientsConnected.inc();
    }

    public void clientDisconnected() {
        clientDisconnections.inc();
        clientsConnected.dec();
    }

    /** Sets the connected-clients gauge outright (e.g. after a stratifier restart). */
    public void clientsConnected(int count) {
        clientsConnected.set(count);
    }

    public void shareAccepted(double difficulty) {
        CounterDataPoint point = acceptedShares;
        if (point == null) {
            point = shares.labelValues("accepted", "none"); // created on the first accepted share, as before
            acceptedShares = point;
        }
        point.inc();
        if (difficulty > 0 && Double.isFinite(difficulty)) {
            acceptedDifficulty.inc(difficulty);
        }
    }

    /** A rejected share; {@code reason} is free text ("Stale", "Duplicate share", …), normalised to a label. */
    public void shareRejected(String reason) {
        // Called per share: the normalised label and its data point are looked up once per reason text.
        CounterDataPoint point = rejectedShares.get(reason == null ? "" : reason);
        if (point == null) {
            point = shares.labelValues("rejected", rejectReasons.label(reason));
            if (rejectedShares.size() < MAX_CACHED_REASONS) {
                rejectedShares.put(reason == null ? "" : reason, point);
            }
        }
        point.inc();
    }

    // ---- work and blocks ----

    /** A new block template arrived for {@code height} at network difficulty {@code difficulty}. */
    public void templateReceived(long height, double difficulty, Instant at) {
        templates.inc();
        templateTime.set(at);
        blockHeight.set(height);
        networkDifficulty.set(difficulty);
    }

    public void blockFound() {
        blocksFound.inc();
    }

    /** One block solution's final outcome: one of {@link #SOLUTION_OUTCOMES}. */
    public void blockSolution(String outcome) {
        blockSolutions.labelValues(SOLUTION_OUTCOMES.contains(outcome) ? outcome : "other").inc();
    }

    /** The node's verdict on a submitted block. */
    public void blockSubmitted(boolean accepted) {
        blockSubmissions.labelValues(accepted ? "accepted" : "rejected").inc();
    }

    // ---- nodes ----

    /** Sets node_up / node_active for every configured node; nodes no longer listed lose their series. */
    public void nodeStatus(List<NodeStatus> nodes) {
        Set<String> seen = new HashSet<>();
        for (NodeStatus node : nodes) {
            if (seen.size() >= MAX_LABEL_VALUES) {
                break;
            }
            seen.add(node.url());
            nodeUp.labelValues(node.url()).set(node.alive() ? 1 : 0);
            nodeActive.labelValues(node.url()).set(node.active() ? 1 : 0);
        }
        for (String url : knownNodes) {
            if (!seen.contains(url)) {
                nodeUp.remove(url);
                nodeActive.remove(url);
                knownNodes.remove(url);
            }
        }
        knownNodes.addAll(seen);
    }

    /** Proxy mode: the generator's upstream.status params {"active","upstreams":[{index,url,alive,…}],"schedule"}. */
    public void upstreamStatus(JsonNode status) {
        upstreams.update(status.path("upstreams"));
        schedule.update(status.path("schedule"));
    }

    /**
     * The passthrough family, from the {@code /api/passthrough} document: the mode, in {@code -P}/{@code -R} the
     * upstream link and routed miners (and the redirector's figures), in a pool its downstream instances
     * ({@link PassthroughMetrics}) and its trusted remotes, in a trusted remote its upstream link and outbox
     * ({@link RemoteMetrics}).
     */
    public void passthroughStatus(JsonNode status) {
        passthrough.update(status);
        remotes.update(status);
    }

    public void nodeFailover() {
        nodeFailovers.inc();
    }

    // ---- processes and IPC ----

    public void ipcQueueDepth(String stream, int depth) {
        ipcQueueDepth.labelValues(ipcStreams.label(stream)).set(depth);
    }

    public void ipcLatency(String stream, Duration latency) {
        ipcLatency.labelValues(ipcStreams.label(stream)).observe(latency.toNanos() / 1e9);
    }

    public void processRestarted(String process) {
        processRestarts.labelValues(processes.label(process)).inc();
    }

    public void httpRequest(int statusCode) {
        httpRequests.labelValues(Integer.toString(statusCode)).inc();
    }

    // ---- snapshot-driven gauges ----

    /** Sets every level gauge that a {@link PoolSummary} carries. */
    public void updateFrom(PoolSummary summary) {
        double[] values = summary.hashrate().values();
        for (int i = 0; i < values.length; i++) {
            hashrate.labelValues(Hashrates.WINDOWS[i]).set(values[i]);
        }
        users.set(summary.users());
        workers.set(summary.workers());
        clientsConnected.set(summary.clients());
        bestShare.set(summary.bestShare());
        if (summary.network().templateTime() != null) {
            templateTime.set(summary.network().templateTime());
            blockHeight.set(summary.network().height());
            networkDifficulty.set(summary.network().difficulty());
        }
        nodeStatus(summary.nodes());
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void writeText(OutputStream out) throws IOException {
        textWriter.write(out, registry.scrape());
    }

    public String textContentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /** Normalises free-text label values and caps how many distinct ones appear. */
    static final class LabelCap {
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        String label(String raw) {
            String value = normalise(raw);
            if (seen.contains(value)) {
                return value;
            }
            synchronized (this) {
                if (seen.contains(value)) {
                    return value;
                }
                if (seen.size() >= MAX_LABEL_VALUES) {
                    return "other";
                }
                seen.add(value);
                return value;
            }
        }

        static String normalise(String raw) {
            if (raw == null) {
                return "unknown";
            }
            String s = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
            if (s.length() > 40) {
                s = s.substring(0, 40);
            }
            return s.isEmpty() ? "unknown" : s;
        }
    }
}
