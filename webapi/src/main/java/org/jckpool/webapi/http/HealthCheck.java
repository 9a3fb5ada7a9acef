package org.jckpool.webapi.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;

/** Decides whether the pool can serve miners: a live active node and a block template no older than allowed. */
final class HealthCheck {

    record Verdict(boolean healthy, String reason, String node, Double templateAgeSeconds) {
    }

    private final Duration maxTemplateAge;

    HealthCheck(Duration maxTemplateAge) {
        this.maxTemplateAge = maxTemplateAge;
    }

    Verdict judge(PoolSummary summary, Instant now) {
        Optional<NodeStatus> node = summary.activeNode();
        Instant templateTime = summary.network().templateTime();
        Double age = templateTime == null ? null : Duration.between(templateTime, now).toMillis() / 1000.0;
        String nodeUrl = node.map(NodeStatus::url).orElse(null);
        if (node.isEmpty()) {
            boolean anyAlive = summary.nodes().stream().anyMatch(NodeStatus::alive);
            return new Verdict(false, anyAlive ? "no active node" : "no live node", null, age);
        }
        if (age == null) {
            return new Verdict(false, "no work yet", nodeUrl, null);
        }
        if (age > maxTemplateAge.toMillis() / 1000.0) {
            return new Verdict(false, "work is stale: template is " + Math.round(age) + " s old (limit "
                    + maxTemplateAge.toSeconds() + " s)", nodeUrl, age);
        }
        return new Verdict(true, "ok", nodeUrl, age);
    }
}
