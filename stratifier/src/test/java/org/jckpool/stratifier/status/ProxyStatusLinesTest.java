package org.jckpool.stratifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyStatusLinesTest {
    static final String UP0 = "{\"index\":0,\"url\":\"a.example:3333\",\"alive\":true,\"active\":true,"
            + "\"difficulty\":0.002,\"extranonce2_size\":8}";
    static final String UP1_DOWN = "{\"index\":1,\"url\":\"b.example:3333\",\"alive\":false,\"active\":false}";

    @Test
    void proxyModeCountsEveryMinerOnTheActiveUpstream() {
        JsonNode status = Json.parseOrNull("{\"active\":0,\"upstreams\":[" + UP0 + "," + UP1_DOWN + "]}");
        ProxyStatusLines.Lines l = ProxyStatusLines.render(status, 5, false);
        assertThat(l.proxy()).isEqualTo("Proxy:{\"current\":0,\"active\":1,\"total\":2}");
        assertThat(l.detail()).containsExactly(
                "Proxies:{\"id\":0,\"subproxies\":1,\"clients\":5,\"alive\":true}",
                "Subproxies:{\"id\":0,\"subid\":0,\"nonce2len\":8,\"clients\":5,\"diff\":0.002,\"alive\":true}",
                "Proxies:{\"id\":1,\"subproxies\":0,\"clients\":0,\"alive\":false}");
    }

    @Test
    void userProxyModeCountsEachUsersSessionAndMiners() {
        JsonNode status = Json.parseOrNull("{\"active\":0,\"upstreams\":[" + UP0 + "," + UP1_DOWN + "],\"users\":["
                + "{\"user\":\"alice\",\"miners\":2,\"connected\":true,\"upstream\":0},"
                + "{\"user\":\"bob\",\"miners\":1,\"connected\":true,\"upstream\":0},"
                + "{\"user\":\"carol\",\"miners\":0,\"connected\":false}]}");
        ProxyStatusLines.Lines l = ProxyStatusLines.render(status, 3, true);
        assertThat(l.proxy()).isEqualTo("Proxy:{\"current\":0,\"active\":1,\"total\":2}");
        assertThat(l.detail()).containsExactly(
                "Proxies:{\"id\":0,\"subproxies\":3,\"clients\":3,\"alive\":true}",
                "Subproxies:{\"id\":0,\"subid\":0,\"nonce2len\":8,\"clients\":0,\"diff\":0.002,\"alive\":true}",
                "Subproxies:{\"id\":0,\"subid\":1,\"user\":\"alice\",\"clients\":2,\"diff\":0.002,\"alive\":true}",
                "Subproxies:{\"id\":0,\"subid\":2,\"user\":\"bob\",\"clients\":1,\"diff\":0.002,\"alive\":true}",
                "Proxies:{\"id\":1,\"subproxies\":0,\"clients\":0,\"alive\":false}");
    }

    @Test
    void noUpstreamAliveIsCurrentMinusOne() {
        JsonNode status = Json.parseOrNull("{\"active\":null,\"upstreams\":[" + UP1_DOWN + "]}");
        assertThat(ProxyStatusLines.render(status, 2, false).proxy())
                .isEqualTo("Proxy:{\"current\":-1,\"active\":0,\"total\":1}");
        assertThat(ProxyStatusLines.render(Json.object(), 0, false).proxy())
                .as("before the generator's first upstream.status")
                .isEqualTo("Proxy:{\"current\":-1,\"active\":0,\"total\":0}");
    }
}
