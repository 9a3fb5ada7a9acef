package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the web API shows of a -P/-R relay. */
class RelayPoolViewTest {
    volatile JsonNode stats;
    final RelayPoolView view = new RelayPoolView(() -> stats);

    @Test
    void theUpstreamPoolsAreItsNodesAndItsWorkIsFreshWhileConnected() {
        stats = Json.parseOrNull("{\"mode\":\"redirector\",\"clients\":4,\"upstream\":{\"connected\":true,"
                + "\"url\":\"b.example:3333\",\"upstreams\":[\"a.example:3333\",\"b.example:3333\"]}}");
        PoolSummary p = view.pool();
        assertThat(p.clients()).isEqualTo(4);
        assertThat(p.nodes()).containsExactly(new NodeStatus("a.example:3333", false, false),
                new NodeStatus("b.example:3333", true, true));
        assertThat(p.network().templateTime()).isNotNull();
        assertThat(view.passthrough()).contains(stats);

        stats = Json.parseOrNull("{\"mode\":\"redirector\",\"clients\":0,\"upstream\":{\"connected\":false,"
                + "\"upstreams\":[\"a.example:3333\",\"b.example:3333\"]}}");
        p = view.pool();
        assertThat(p.nodes()).noneMatch(NodeStatus::alive);
        assertThat(p.network().templateTime()).as("no work while no upstream: /health is 503").isNull();
        assertThat(view.users()).isEmpty();
        assertThat(view.blocks()).isEmpty();
    }
}
