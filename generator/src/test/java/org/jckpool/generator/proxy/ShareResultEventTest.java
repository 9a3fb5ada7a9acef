package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.stratum.StratumError;
import org.jckpool.libpool.stratum.SubmitResult;
import org.jckpool.suite.config.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share_result event written when an upstream answers a forwarded share. */
class ShareResultEventTest {
    @TempDir
    Path dir;

    private List<JsonNode> events(EventLog log) throws Exception {
        log.close();
        return Files.readAllLines(log.file()).stream().map(Json::parseOrNull).toList();
    }

    @Test
    void carriesUpstreamWorkerJobDifficultyAndVerdict() throws Exception {
        Upstream u = new Upstream(1, new ProxyConfig("pool.example.com:3333", "acct.p", "x", "other", 30.0));
        EventLog log = EventLog.open(dir, "generator");
        ProxyLink.shareResultEvent(log, u, "6a", "alice.rig1", 512.0, new SubmitResult(true, false, null, 3));
        ProxyLink.shareResultEvent(log, u, "6b", "bob", 512.0,
                new SubmitResult(false, false, new StratumError(21, "Stale"), 5));
        ProxyLink.shareResultEvent(log, u, "6c", "bob", 1024.0,
                new SubmitResult(false, false, new StratumError(23, "Low difficulty share"), 4));
        ProxyLink.shareResultEvent(log, null, "6d", "bob", null, SubmitResult.lost("no answer"));
        List<JsonNode> e = events(log);
        assertThat(e).hasSize(4).allSatisfy(x -> assertThat(x.path("event").asText()).isEqualTo("share_result"));

        JsonNode ok = e.get(0);
        assertThat(ok.path("upstream").asText()).isEqualTo("pool.example.com:3333");
        assertThat(ok.path("name").asText()).isEqualTo("other");
        assertThat(ok.path("index").asInt()).isEqualTo(1);
        assertThat(ok.path("job_id").asText()).isEqualTo("6a");
        assertThat(ok.path("worker").asText()).isEqualTo("alice.rig1");
        assertThat(ok.path("difficulty").asDouble()).isEqualTo(512.0);
        assertThat(ok.path("accepted").asBoolean()).isTrue();
        assertThat(ok.path("stale").asBoolean()).isFalse();
        assertThat(ok.path("reason").asText()).isEqualTo("accepted");
        assertThat(ok.path("latency_ms").asLong()).isEqualTo(3);

        JsonNode stale = e.get(1);
        assertThat(stale.path("accepted").asBoolean()).isFalse();
        assertThat(stale.path("stale").asBoolean()).isTrue();
        assertThat(stale.path("reason").asText()).isEqualTo("Stale");

        JsonNode low = e.get(2);
        assertThat(low.path("stale").asBoolean()).isFalse();
        assertThat(low.path("reason").asText()).isEqualTo("Low difficulty share");
        assertThat(low.path("difficulty").asDouble()).isEqualTo(1024.0);

        JsonNode lost = e.get(3);
        assertThat(lost.path("upstream").isNull()).isTrue();
        assertThat(lost.path("index").isNull()).isTrue();
        assertThat(lost.path("lost").asBoolean()).isTrue();
        assertThat(lost.path("reason").asText()).isEqualTo("lost: no answer");
    }
}
