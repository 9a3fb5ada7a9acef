package org.jckpool.suite.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.suite.config.ConfigException;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildRuntimeTest {
    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        Log.close();
        Log.setLevel(Log.DEFAULT_LEVEL);
    }

    private String[] args(String conf) throws Exception {
        Path c = dir.resolve("c.conf");
        Files.writeString(c, conf);
        return new String[]{"--name", "t", "--sockdir", dir.resolve("sock").toString(), "--config", c.toString(),
                "--loglevel", "6", "--btcsolo", "--no-parent-watch"};
    }

    @Test
    void servesBuiltInsAndRegisteredHandlersThenShutsDown() throws Exception {
        ChildRuntime rt = ChildRuntime.create("generator",
                args("{\"logdir\":\"" + dir.resolve("logs") + "\",\"mindiff\":0.5,\"startdiff\":0.5}"));
        assertThat(rt.config().mindiff()).isEqualTo(0.5);
        assertThat(rt.args().btcsolo()).isTrue();
        assertThat(Log.level()).isEqualTo(6);
        rt.commands().text("update", r -> "updated");
        rt.commands().json("echo", p -> p);
        CountDownLatch frame = new CountDownLatch(1);
        rt.onStream(peer -> (s, f) -> frame.countDown());
        CountDownLatch hook = new CountDownLatch(1);
        rt.onShutdown(hook::countDown);
        rt.start();
        Path sock = dir.resolve("sock/generator");
        assertThat(ControlClient.request(sock, "ping", 2000)).contains("pong");
        assertThat(ControlClient.request(sock, "loglevel=7", 2000)).contains("success");
        assertThat(Log.level()).isEqualTo(7);
        assertThat(ControlClient.request(sock, "loglevel=8", 2000)).contains("Invalid");
        assertThat(ControlClient.request(sock, "loglevel=x", 2000)).contains("Invalid");
        assertThat(ControlClient.request(sock, "UPDATE", 2000)).contains("updated");
        assertThat(ControlClient.request(sock, "{\"method\":\"echo\",\"params\":{\"k\":2}}", 2000))
                .contains("{\"k\":2}");
        JsonNode stats = Json.parseOrNull(ControlClient.request(sock, "{\"method\":\"stats\"}", 2000).orElseThrow());
        assertThat(stats.get("process").asText()).isEqualTo("generator");
        assertThat(stats.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(stats.get("loglevel").asInt()).isEqualTo(7);
        assertThat(stats.has("uptime")).isTrue();
        try (FrameStream s = FrameStream.connect(sock, "stratifier", (st, f) -> {
        })) {
            s.send(Frames.utf8("hi"));
            assertThat(frame.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve("sock/generator.pid")).exists();
        assertThat(Files.readString(dir.resolve("logs/t.log"))).contains("generator: generator started");
        assertThat(ControlClient.request(sock, "shutdown", 2000)).contains("exiting");
        rt.awaitShutdown();
        assertThat(hook.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(sock).doesNotExist();
        assertThat(dir.resolve("sock/generator.pid")).doesNotExist();
    }

    @Test
    void badConfigNamesTheKey() {
        assertThatThrownBy(() -> ChildRuntime.create("stratifier", args("{\"nonce1length\": 12}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nonce1length").hasMessageContaining("12");
    }
}
