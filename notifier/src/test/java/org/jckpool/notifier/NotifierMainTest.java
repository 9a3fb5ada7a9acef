package org.jckpool.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.SocketDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NotifierMainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CommandLine(new NotifierMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    }

    @Test
    void sendsUpdateToTheStratifier() throws Exception {
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch received = new CountDownLatch(1);
        Path sock = SocketDirs.ensure(dir.resolve("mypool")).resolve("stratifier");
        try (ControlServer s = ControlServer.open(sock, r -> {
            got.set(r);
            received.countDown();
            return null;
        })) {
            assertThat(run("-s", dir.toString(), "-n", "mypool")).isZero();
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(got.get()).isEqualTo("update");
        assertThat(out.toString()).contains("Notified stratifier");
    }

    @Test
    void failsWhenThePoolIsNotRunning() {
        assertThat(run("-s", dir.toString(), "-n", "absent")).isEqualTo(1);
        assertThat(err.toString()).contains("Failed to open socket").contains("absent/stratifier");
    }

    @Test
    void defaultSocketPaths() {
        NotifierMain n = new NotifierMain(System.out, System.err);
        new CommandLine(n).parseArgs();
        assertThat(n.socket()).isEqualTo(Path.of("/tmp/ckpool/stratifier"));
        new CommandLine(n).parseArgs("-p");
        assertThat(n.socket()).isEqualTo(Path.of("/tmp/ckproxy/stratifier"));
    }
}
