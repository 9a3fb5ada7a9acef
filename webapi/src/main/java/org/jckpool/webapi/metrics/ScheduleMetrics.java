package org.jckpool.webapi.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scheduling proxy: per upstream its weight, target and achieved percents, switches and accepted work, and per
 * miner (the first {@link Metrics#MAX_LABEL_VALUES} listed; the generator sorts them by work) its work, achieved
 * percents and share answers per upstream, from the {@code schedule} object of the generator's upstream.status.
 * Per-miner series no longer listed are removed.
 */
final class ScheduleMetrics {
    private final Gauge scheduleWeight;
    private final Gauge scheduleTargetPercent;
    private final Gauge scheduleAchievedPercent;
    private final Gauge scheduleSwitches;
    private final Gauge scheduleAcceptedWork;
    private final Gauge scheduleMinerWork;
    private final Gauge scheduleMinerAchievedPercent;
    private final Gauge scheduleMinerShares;
    /** (miner, upstream, name) of the per-miner series last set: those not listed again are removed. */
    private final Set<List<String>> knownMinerSeries = ConcurrentHashMap.newKeySet();

    ScheduleMetrics(PrometheusRegistry registry) {
        scheduleWeight = Gauge.builder().name("jckpool_schedule_weight")
                .help("Scheduling proxy: the upstream's weight as set (config or live control)")
                .labelNames("upstream", "name").register(registry);
        scheduleTargetPercent = Gauge.builder().name("jckpool_schedule_target_percent")
                .help("Scheduling proxy: the upstream's weight as a percent of all weights")
                .labelNames("upstream", "name").register(registry);
        scheduleAchievedPercent = Gauge.builder().name("jckpool_schedule_achieved_percent")
                .help("Scheduling proxy: the upstream's percent of the accepted difficulty-weighted work over the window")
                .labelNames("upstream", "name", "window").register(registry);
        scheduleSwitches = Gauge.builder().name("jckpool_schedule_switches")
                .help("Scheduling proxy: switches to the upstream since start")
                .labelNames("upstream", "name").register(registry);
        scheduleAcceptedWork = Gauge.builder().name("jckpool_schedule_accepted_work")
                .help("Scheduling proxy: difficulty-weighted work the upstream accepted since start")
                .labelNames("upstream", "name").register(registry);
        scheduleMinerWork = Gauge.builder().name("jckpool_schedule_miner_accepted_work")
                .help("Scheduling proxy: difficulty-weighted work of the miner the upstream accepted since start "
                        + "(the miners with the most work in the last hour)")
                .labelNames("miner", "upstream", "name").register(registry);
        scheduleMinerAchievedPercent = Gauge.builder().name("jckpool_schedule_miner_achieved_percent")
                .help("Scheduling proxy: the upstream's percent of the miner's accepted work over the window")
                .labelNames("miner", "upstream", "name", "window").register(registry);
        scheduleMinerShares = Gauge.builder().name("jckpool_schedule_miner_shares")
                .help("Scheduling proxy: the upstream's answers to the miner's shares (stale: rejected as stale)")
                .labelNames("miner", "upstream", "name", "result").register(registry);
    }

    void update(JsonNode schedule) {
        int n = 0;
        for (JsonNode u : schedule.path("upstreams")) {
            if (n++ >= Metrics.MAX_LABEL_VALUES) {
                break;
            }
            String i = u.path("index").asText();
            String name = u.path("name").asText();
            scheduleWeight.labelValues(i, name).set(u.path("weight").asDouble(0));
            scheduleTargetPercent.labelValues(i, name).set(u.path("target_percent").asDouble(0));
            scheduleAchievedPercent.labelValues(i, name, "10m").set(u.path("achieved_10m_percent").asDouble(0));
            scheduleAchievedPercent.labelValues(i, name, "1h").set(u.path("achieved_1h_percent").asDouble(0));
            scheduleSwitches.labelValues(i, name).set(u.path("switches").asDouble(0));
            scheduleAcceptedWork.labelValues(i, name).set(u.path("accepted_work").asDouble(0));
        }
        miners(schedule.path("miners"));
    }

    private void miners(JsonNode miners) {
        Set<List<String>> seen = new HashSet<>();
        int n = 0;
        for (JsonNode m : miners) {
            if (n++ >= Metrics.MAX_LABEL_VALUES) {
                break;
            }
            String miner = m.path("worker").asText();
            int ups = 0;
            for (JsonNode u : m.path("upstreams")) {
                if (ups++ >= Metrics.MAX_LABEL_VALUES) {
                    break;
                }
                String i = u.path("index").asText();
                String name = u.path("name").asText();
                seen.add(List.of(miner, i, name));
                scheduleMinerWork.labelValues(miner, i, name).set(u.path("accepted_work").asDouble(0));
                scheduleMinerAchievedPercent.labelValues(miner, i, name, "10m")
                        .set(u.path("achieved_10m_percent").asDouble(0));
                scheduleMinerAchievedPercent.labelValues(miner, i, name, "1h")
                        .set(u.path("achieved_1h_percent").asDouble(0));
                for (String r : new String[] {"accepted", "rejected", "stale"}) {
                    scheduleMinerShares.labelValues(miner, i, name, r).set(u.path(r).asDouble(0));
                }
            }
        }
        for (List<String> k : knownMinerSeries) {
            if (!seen.contains(k)) {
                scheduleMinerWork.remove(k.get(0), k.get(1), k.get(2));
                for (String w : new String[] {"10m", "1h"}) {
                    scheduleMinerAchievedPercent.remove(k.get(0), k.get(1), k.get(2), w);
                }
                for (String r : new String[] {"accepted", "rejected", "stale"}) {
                    scheduleMinerShares.remove(k.get(0), k.get(1), k.get(2), r);
                }
                knownMinerSeries.remove(k);
            }
        }
        knownMinerSeries.addAll(seen);
    }
}
