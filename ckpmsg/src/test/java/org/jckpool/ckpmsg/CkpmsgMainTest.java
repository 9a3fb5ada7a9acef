package org.jckpool.ckpmsg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.SocketDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CkpmsgMainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CommandLine(new CkpmsgMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    }

    @Test
    void socketFollowsTheToolRule() {
        CkpmsgMain m = new CkpmsgMain(System.out, System.err);
        new CommandLine(m).parseArgs();
        assertThat(m.socket()).isEqualTo(Path.of("/tmp/ckpool/listener"));
        new CommandLine(m).parseArgs("-s", "/run", "-n", "p2", "-N", "stratifier");
        assertThat(m.socket()).isEqualTo(Path.of("/run/p2/stratifier"));
        CkpmsgMain p = new CkpmsgMain(System.out, System.err);
        new CommandLine(p).parseArgs("-p");
        assertThat(p.socket()).isEqualTo(Path.of("/tmp/ckproxy/listener"));
    }

    @Test
    void sendsEachCommandAndPrintsReplies() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Path sock = SocketDirs.ensure(dir.resolve("pool")).resolve("generator");
        try (ControlServer s = ControlServer.open(sock, r -> {
            got.add(r);
            return r.equals("ping") ? "pong" : null;
        })) {
            int code = run("-s", dir.toString(), "-n", "pool", "-N", "generator", "ping", "# comment", "update");
            assertThat(code).isZero();
            assertThat(out.toString()).contains("Received response: pong");
            assertThat(err.toString()).contains("Received empty reply");
            assertThat(got).containsExactly("ping", "update");
        }
    }

    @Test
    void missingSocketIsAnErrorWithNonZeroExit() {
        int code = run("-s", dir.toString(), "-n", "nopool", "ping");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("Failed to open socket").contains("nopool/listener");
    }

    @Test
    void badLoglevelIsRejected() {
        assertThat(run("-l", "9", "ping")).isEqualTo(1);
        assertThat(err.toString()).contains("invalid loglevel");
    }
}
