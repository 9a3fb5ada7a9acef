package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.stratum.StratumError;
import org.jckpool.libpool.stratum.SubmitResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** upstream.share_result is built by hand on the reply path: it must read back as the stratifier expects. */
class ShareResultFrameTest {
    private static JsonNode read(byte[] frame) {
        JsonNode msg = Json.parseOrNull(Frames.text(frame));
        assertThat(msg).isNotNull();
        assertThat(msg.path("method").asText()).isEqualTo("upstream.share_result");
        return msg.path("params");
    }

    @Test
    void acceptedRejectedAndStaleReadBack() {
        Upstream u = new Upstream(1, new ProxyConfig("stratum+tcp://pool.example.com:3333", "acct.p", "x"));
        JsonNode ok = read(ProxyLink.resultFrame(Json.MAPPER.getNodeFactory().numberNode(42L), 7, u,
                new SubmitResult(true, false, null, 3), true));
        assertThat(ok.path("id").asLong()).isEqualTo(42);
        assertThat(ok.path("generation").asLong()).isEqualTo(7);
        assertThat(ok.path("upstream").asInt()).isEqualTo(1);
        assertThat(ok.path("url").asText()).isEqualTo("stratum+tcp://pool.example.com:3333");
        assertThat(ok.path("forwarded").asBoolean()).isTrue();
        assertThat(ok.path("accepted").asBoolean()).isTrue();
        assertThat(ok.path("stale").asBoolean()).isFalse();
        assertThat(ok.path("reason").asText()).isEqualTo("accepted");
        assertThat(ok.path("latency_ms").asLong()).isEqualTo(3);

        JsonNode bad = read(ProxyLink.resultFrame(Json.MAPPER.getNodeFactory().numberNode(43L), 7, u,
                new SubmitResult(false, false, new StratumError(23, "Low \"difficulty\" share"), 4), true));
        assertThat(bad.path("accepted").asBoolean()).isFalse();
        assertThat(bad.path("reason").asText()).isEqualTo("Low \"difficulty\" share");

        JsonNode gone = read(ProxyLink.resultFrame(null, 6, null, SubmitResult.lost("stale: upstream changed"), false));
        assertThat(gone.path("id").isNull()).isTrue();
        assertThat(gone.has("upstream")).isFalse();
        assertThat(gone.path("stale").asBoolean()).isTrue();
        assertThat(gone.path("forwarded").asBoolean()).isFalse();
        assertThat(gone.path("latency_ms").asLong()).isEqualTo(-1);
    }
}
