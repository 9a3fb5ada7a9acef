package org.jckpool.stratifier.status;

import org.jckpool.libpool.json.Json;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.NetworkInfo;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.ShareCounts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleStatusTest {
    static final PoolSummary SUMMARY = new PoolSummary(Instant.now(), Hashrates.ZERO, 1, 2, 3,
            new ShareCounts(40, 2, Map.of()), 0.5, new NetworkInfo(301, 4.66e-10, Instant.now()), List.of(), 0);

    @Test
    void poolModeEndsWithBlocks() {
        assertThat(ConsoleStatus.line(SUMMARY, true, false)).contains("clients 3 users 1 workers 2",
                "shares 40 acc 2 rej", "height 301").endsWith("| blocks 0 | no generator");
    }

    @Test
    void proxyModeNamesTheActiveUpstreamAndTheForwardedShares() {
        String status = "{\"active\":1,\"upstreams\":[{\"index\":0,\"url\":\"a:1\",\"alive\":false},"
                + "{\"index\":1,\"url\":\"b.example:3333\",\"alive\":true,\"difficulty\":0.002}],"
                + "\"forwarding\":{\"forwarded\":12,\"accepted\":10,\"rejected\":1}}";
        String line = ConsoleStatus.proxyLine(SUMMARY, Json.parseOrNull(status), true, true);
        assertThat(line).contains("shares 40 acc 2 rej")
                .endsWith("| upstream 1 b.example:3333 diff 0.00200000 | forwarded 12 accepted 10 rejected 1")
                .doesNotContain("blocks");
    }

    @Test
    void proxyModeWithNoUpstreamAliveSaysSo() {
        String line = ConsoleStatus.proxyLine(SUMMARY, Json.parseOrNull("{\"active\":null,\"upstreams\":[],"
                + "\"forwarding\":{\"forwarded\":0}}"), false, true);
        assertThat(line).endsWith("| no upstream alive | forwarded 0 accepted 0 rejected 0 | no connector");
        assertThat(ConsoleStatus.proxyLine(SUMMARY, Json.object(), true, true)).as("before any upstream.status")
                .contains("| no upstream alive");
    }
}
