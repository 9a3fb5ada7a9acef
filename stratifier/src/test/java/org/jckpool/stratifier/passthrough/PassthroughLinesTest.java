package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The passthrough link's line forms (docs/PROTOCOL.md 1.1.1), downstream side. */
class PassthroughLinesTest {
    @Test
    void aMinersLineGoesUpWithItsClientIdAddressAndServer() {
        assertThat(PassthroughLines.upstream("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"]}",
                7, "10.0.0.7", 0)).isEqualTo("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"],"
                + "\"client_id\":7,\"address\":\"10.0.0.7\",\"server\":0}");
        assertThat(PassthroughLines.upstream(" { } ", 1, "::1", 2))
                .isEqualTo(" { \"client_id\":1,\"address\":\"::1\",\"server\":2}");
    }

    @Test
    void theRedirectIsCkpoolsClientReconnectForm() {
        // ckpool's redirector: {"id":null,"method":"client.reconnect","params":[url, port as a string, 0]}, compact
        assertThat(PassthroughLines.redirect(new HostPort("pool2.example.com", 3334)))
                .isEqualTo("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"pool2.example.com\",\"3334\",0]}");
        JsonNode n = Json.parseOrNull(PassthroughLines.redirect(new HostPort("::1", 4000)));
        assertThat(n.path("params").path(0).asText()).isEqualTo("::1");
        assertThat(n.path("params").path(1).isTextual()).isTrue();
        assertThat(n.path("params").path(2).isInt()).isTrue();
    }

    @Test
    void aBadMinerLineIsRefused() {
        assertThatThrownBy(() -> PassthroughLines.upstream("{\"id\":1", 7, "a", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> PassthroughLines.upstream("[1,2]", 7, "a", 0))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> PassthroughLines.upstream("{}{}", 7, "a", 0))
                .hasMessageContaining("more than one");
        assertThatThrownBy(() -> PassthroughLines.upstream("{\"id\":1,\"client_id\":3}", 7, "a", 0))
                .hasMessageContaining("client_id");
    }

    @Test
    void anUpstreamLineComesDownWithoutItsClientIdAndOtherwiseUntouched() {
        // jckpool's upstream appends it; the difficulty keeps its written form
        PassthroughLines.Routed r = PassthroughLines.fromUpstream(
                "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.000001],\"client_id\":7}");
        assertThat(r.clientId()).isEqualTo(7);
        assertThat(r.line()).isEqualTo("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.000001]}");
        // first, in the middle, alone, with spaces as jansson writes them
        assertThat(PassthroughLines.fromUpstream("{\"client_id\": 9, \"id\": 1, \"result\": true}").line())
                .isEqualTo("{\"id\": 1, \"result\": true}");
        assertThat(PassthroughLines.fromUpstream("{\"id\":1,\"client_id\":12,\"result\":true}").line())
                .isEqualTo("{\"id\":1,\"result\":true}");
        assertThat(PassthroughLines.fromUpstream("{\"client_id\":3}").line()).isEqualTo("{}");
        // a nested client_id is the miner's business, not a route
        assertThat(PassthroughLines.fromUpstream("{\"params\":{\"client_id\":4},\"client_id\":5}").clientId())
                .isEqualTo(5);
    }

    @Test
    void anUpstreamLineWithoutANumericClientIdHasNoRoute() {
        assertThat(PassthroughLines.fromUpstream("{\"result\": true}")).isNull();
        assertThat(PassthroughLines.fromUpstream("{\"client_id\":\"7\"}")).isNull();
        assertThat(PassthroughLines.fromUpstream("not json")).isNull();
        assertThat(PassthroughLines.fromUpstream("[{\"client_id\":1}]")).isNull();
    }

    @Test
    void ckpoolsFormsForTheLinkAndAMinerThatLeft() {
        assertThat(PassthroughLines.PASSTHROUGH_REQUEST)
                .isEqualTo("{\"method\":\"mining.passthrough\",\"params\":[\"jckpool/0.1\"]}");
        assertThat(PassthroughLines.term(7, "10.0.0.7", 0)).isEqualTo("{\"id\":42,\"client_id\":7,"
                + "\"address\":\"10.0.0.7\",\"server\":0,\"method\":\"mining.term\",\"params\":[]}");
    }
}
