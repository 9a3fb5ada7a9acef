package org.jckpool.libpool.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void reset() {
        Log.close();
        Log.setStderr(System.err);
        Log.setQuiet(false);
        Log.setLevel(Log.DEFAULT_LEVEL);
    }

    @Test
    void writesTimestampedLinesWithProcessNameAndFiltersByLevel() throws Exception {
        Path file = dir.resolve("logs/ckpool.log");
        Log.setStderr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.init("stratifier", file, Log.NOTICE);
        Log.notice("hello %d", 42);
        Log.info("not shown");
        Log.warning("careful");
        Log.setLevel(Log.DEBUG);
        Log.debug("now shown");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}] stratifier: hello 42");
        assertThat(lines.get(1)).endsWith("stratifier: careful");
        assertThat(lines.get(2)).endsWith("now shown");
        assertThat(err.toString()).contains("careful").doesNotContain("hello").doesNotContain("now shown");
    }

    @Test
    void quietKeepsOnlyErrorsOnStderr() throws Exception {
        Log.setStderr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.init("listener", dir.resolve("q.log"), Log.NOTICE);
        Log.setQuiet(true);
        Log.warning("a warning");
        Log.err("an error");
        assertThat(err.toString()).contains("an error").doesNotContain("a warning");
    }

    @Test
    void levelMustBe0To7() {
        assertThatThrownBy(() -> Log.setLevel(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Log.setLevel(-1)).isInstanceOf(IllegalArgumentException.class);
        Log.setLevel(0);
        assertThat(Log.level()).isZero();
        assertThat(Log.enabled(Log.EMERG)).isTrue();
        assertThat(Log.enabled(Log.ALERT)).isFalse();
    }

    @Test
    void concurrentWritersNeverSplitALine() throws Exception {
        Path file = dir.resolve("shared.log");
        Log.init("generator", file, Log.NOTICE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        String payload = "x".repeat(300);
        for (int t = 0; t < 4; t++) {
            int id = t;
            pool.execute(() -> {
                for (int i = 0; i < 500; i++) {
                    Log.notice("t%d %s", id, payload);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2000).allMatch(l -> l.endsWith(payload) && l.contains("generator: t"));
    }

    @Test
    void badFormatDoesNotThrow() throws Exception {
        Log.init("x", dir.resolve("f.log"), Log.NOTICE);
        Log.notice("%d", "not a number");
        assertThat(Files.readString(dir.resolve("f.log"))).contains("bad log format");
    }

    @Test
    void abbreviateCutsOnlyWhatIsLongerThanTheLimit() {
        assertThat(Log.abbreviate("abc", 3)).isEqualTo("abc");
        assertThat(Log.abbreviate("abcd", 3)).isEqualTo("abc…");
        assertThat(Log.abbreviate("", 3)).isEmpty();
    }
}
