package org.jckpool.libpool.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

class CommandTableTest {
    private final CommandTable t = new CommandTable()
            .text("ping", r -> "pong")
            .text("stat", r -> "short")
            .text("stats", r -> "long:" + r)
            .text("update", r -> null)
            .json("echo", p -> p)
            .json("boom", p -> {
                throw new IllegalStateException("broken");
            });

    @Test
    void matchesByPrefixCaseInsensitivelyLongestFirst() {
        assertThat(t.handle("ping")).isEqualTo("pong");
        assertThat(t.handle("PING")).isEqualTo("pong");
        assertThat(t.handle("pingpong")).isEqualTo("pong");
        assertThat(t.handle("stats=x")).isEqualTo("long:stats=x");
        assertThat(t.handle("statx")).isEqualTo("short");
        assertThat(t.handle("update")).isNull();
    }

    @Test
    void unknownTextGetsUnknown() {
        assertThat(t.handle("frobnicate")).isEqualTo("unknown");
        assertThat(t.handle("pin")).isEqualTo("unknown");
    }

    @Test
    void jsonDispatchesOnMethodWithParams() {
        JsonNode r = Json.parseOrNull(t.handle("{\"method\":\"echo\",\"params\":{\"a\":1}}"));
        assertThat(r.get("a").asInt()).isEqualTo(1);
        assertThat(t.handle("{\"method\":\"echo\"}")).isEqualTo("{}");
    }

    @Test
    void jsonErrorsAreJson() {
        assertThat(Json.text(Json.parseOrNull(t.handle("{\"method\":\"nope\"}")), "error")).isEqualTo("unknown method: nope");
        assertThat(Json.text(Json.parseOrNull(t.handle("{\"params\":{}}")), "error")).isEqualTo("missing method");
        assertThat(Json.text(Json.parseOrNull(t.handle("{\"method\":\"boom\"}")), "error")).isEqualTo("broken");
        assertThat(Json.text(Json.parseOrNull(t.handle("{not json")), "error")).contains("not valid JSON");
    }

    @Test
    void laterRegistrationReplaces() {
        t.text("PING", r -> "again");
        assertThat(t.handle("ping")).isEqualTo("again");
    }
}
