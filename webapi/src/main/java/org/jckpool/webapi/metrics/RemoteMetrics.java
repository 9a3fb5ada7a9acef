package org.jckpool.webapi.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * The trusted-remote series, from the {@code /api/passthrough} document. On a main pool, per remote from its
 * {@code remotes} ledger: whether it is connected, the last seq accounted, and counters of the shares it reported
 * (accepted, rejected), their difficulty, its blocks and the replays ignored. The ledger's totals survive restarts,
 * so these counters never go back. At most {@link Metrics#MAX_LABEL_VALUES} remotes are named (in the ledger's
 * order, which only grows); the rest are summed under {@code remote="other"}. On a remote ({@code mode}
 * {@code remote}): its link to the upstream pool and its outbox. Values are read at scrape time from the last
 * document given to {@link #update}.
 */
final class RemoteMetrics {
    static final String OTHER = "other";

    record Row(String remote, double connected, double seq, double accepted, double rejected, double difficulty,
               double blocks, double replays) {
        Row plus(Row o) {
            return new Row(remote, connected + o.connected, Math.max(seq, o.seq), accepted + o.accepted,
                    rejected + o.rejected, difficulty + o.difficulty, blocks + o.blocks, replays + o.replays);
        }
    }

    /** The remote's side: its upstream link and outbox, from the document's {@code upstream}. */
    record Link(double up, double pending, double acked, double lastSeq, double dropped) {
    }

    private volatile List<Row> rows = List.of();
    private volatile Link link;

    RemoteMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("jckpool_remotes_connected")
                .help("Pool mode: trusted remotes (-t) connected").callback(cb -> {
                    if (!rows.isEmpty()) {
                        cb.call(rows.stream().mapToDouble(Row::connected).sum());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jckpool_remote_connected")
                .help("Pool mode: 1 while the trusted remote is connected, else 0 (for \"other\": how many are)")
                .labelNames("remote").callback(cb -> rows.forEach(r -> cb.call(r.connected, r.remote)))
                .register(registry);
        GaugeWithCallback.builder().name("jckpool_remote_last_seq")
                .help("Pool mode: the highest message seq of the trusted remote accounted here")
                .labelNames("remote").callback(cb -> rows.forEach(r -> cb.call(r.seq, r.remote)))
                .register(registry);
        CounterWithCallback.builder().name("jckpool_remote_shares")
                .help("Pool mode: shares the trusted remote's miners submitted there, by result, each counted once")
                .labelNames("remote", "result").callback(cb -> rows.forEach(r -> {
                    cb.call(r.accepted, r.remote, "accepted");
                    cb.call(r.rejected, r.remote, "rejected");
                })).register(registry);
        CounterWithCallback.builder().name("jckpool_remote_accepted_difficulty")
                .help("Pool mode: sum of the difficulty of the trusted remote's accepted shares")
                .labelNames("remote").callback(cb -> rows.forEach(r -> cb.call(r.difficulty, r.remote)))
                .register(registry);
        CounterWithCallback.builder().name("jckpool_remote_blocks")
                .help("Pool mode: block solutions the trusted remote reported").labelNames("remote")
                .callback(cb -> rows.forEach(r -> cb.call(r.blocks, r.remote))).register(registry);
        CounterWithCallback.builder().name("jckpool_remote_replays")
                .help("Pool mode: replayed messages of the trusted remote ignored since this process started")
                .labelNames("remote").callback(cb -> rows.forEach(r -> cb.call(r.replays, r.remote)))
                .register(registry);

        GaugeWithCallback.builder().name("jckpool_remote_upstream_up")
                .help("Trusted remote (-t): 1 while the link to the upstream pool is connected, else 0")
                .callback(cb -> {
                    Link l = link;
                    if (l != null) {
                        cb.call(l.up);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jckpool_remote_outbox_pending")
                .help("Trusted remote (-t): messages kept for the upstream pool and not acked yet").callback(cb -> {
                    Link l = link;
                    if (l != null) {
                        cb.call(l.pending);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jckpool_remote_acked_seq")
                .help("Trusted remote (-t): the highest seq the upstream pool acked").callback(cb -> {
                    Link l = link;
                    if (l != null) {
                        cb.call(l.acked);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jckpool_remote_outbox_last_seq")
                .help("Trusted remote (-t): the seq of the newest message in the outbox").callback(cb -> {
                    Link l = link;
                    if (l != null) {
                        cb.call(l.lastSeq);
                    }
                }).register(registry);
        CounterWithCallback.builder().name("jckpool_remote_outbox_dropped")
                .help("Trusted remote (-t): messages dropped since start because the outbox was full")
                .callback(cb -> {
                    Link l = link;
                    if (l != null) {
                        cb.call(l.dropped);
                    }
                }).register(registry);
    }

    void update(JsonNode status) {
        if (status.path("remotes").isArray()) {
            List<Row> named = new ArrayList<>();
            Row other = null;
            for (JsonNode r : status.path("remotes")) {
                long shares = r.path("shares").asLong();
                long rejected = r.path("rejected").asLong();
                Row row = new Row(r.path("id").asText(), r.path("connected").asBoolean() ? 1 : 0,
                        r.path("seq").asDouble(), Math.max(0, shares - rejected),
                        rejected + r.path("shareerrors").asLong(), r.path("diff").asDouble(),
                        r.path("blocks").asDouble(), r.path("replays").asDouble());
                if (named.size() < Metrics.MAX_LABEL_VALUES && !OTHER.equals(row.remote)) {
                    named.add(row);
                } else {
                    other = other == null ? new Row(OTHER, 0, 0, 0, 0, 0, 0, 0).plus(row) : other.plus(row);
                }
            }
            if (other != null) {
                named.add(other);
            }
            rows = List.copyOf(named);
        }
        JsonNode up = status.path("upstream");
        if ("remote".equals(status.path("mode").asText()) && up.isObject()) {
            link = new Link(up.path("connected").asBoolean() ? 1 : 0, up.path("pending").asDouble(),
                    up.path("acked").asDouble(), up.path("last_seq").asDouble(), up.path("dropped").asDouble());
        }
    }
}
