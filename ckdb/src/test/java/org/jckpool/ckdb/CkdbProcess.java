package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.testkit.Await;

/** ckdb as a real process on the test's class path: started, killed with SIGKILL or stopped through its socket. */
final class CkdbProcess implements AutoCloseable {
    private final Process process;
    final Path sock;

    private CkdbProcess(Process process, Path sock) {
        this.process = process;
        this.sock = sock;
    }

    /** Starts ckdb named {@code ckdbt} with its socket in {@code sockdir} and waits until the socket answers. */
    static CkdbProcess start(DbSettings db, Path sockdir, Path logdir) throws Exception {
        CkdbProcess p = launch(db, sockdir, logdir);
        Await.until("ckdb to open its socket (log in " + logdir + ")", 60_000, () -> {
            assertThat(p.process.isAlive()).as("ckdb process exited, see " + logdir).isTrue();
            return ControlServer.isLive(p.sock);
        });
        return p;
    }

    /** Starts ckdb without waiting for it to serve (to kill it while it is still starting). */
    static CkdbProcess launch(DbSettings db, Path sockdir, Path logdir) throws Exception {
        Files.createDirectories(logdir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), CkdbMain.class.getName(), "-U", db.jdbcUrl(), "-u", db.user(),
                "-s", sockdir.toString(), "-n", "ckdbt", "-L", logdir.toString(), "-l", "6");
        pb.environment().put(CkdbMain.PASSWORD_ENV, db.password());
        Path out = Files.createTempFile(logdir, "stdout-", ".txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        return new CkdbProcess(pb.start(), sockdir.resolve("listener"));
    }

    String request(String text) throws Exception {
        return ControlClient.request(sock, text, 10_000).orElseThrow();
    }

    /** SIGKILL: no shutdown hook, no final roll-up. */
    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** An orderly stop through the socket. */
    void stop() throws Exception {
        assertThat(ControlClient.request(sock, "shutdown", 5000)).isPresent();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("ckdb stopped").isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Override
    public void close() throws InterruptedException {
        kill9();
    }
}
