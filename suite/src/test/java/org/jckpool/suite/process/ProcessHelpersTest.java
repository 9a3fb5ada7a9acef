package org.jckpool.suite.process;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.ipc.SocketDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessHelpersTest {
    @TempDir
    Path dir;

    @Test
    void poolAndToolSocketRules() {
        assertThat(SocketDirs.forPool(null, "ckpool")).isEqualTo(Path.of("/tmp/ckpool"));
        assertThat(SocketDirs.forPool("/var/run/pool", "ckpool")).isEqualTo(Path.of("/var/run/pool"));
        assertThat(SocketDirs.forTool(null, "ckpool", "listener")).isEqualTo(Path.of("/tmp/ckpool/listener"));
        assertThat(SocketDirs.forTool("/var/run", "mypool", "stratifier"))
                .isEqualTo(Path.of("/var/run/mypool/stratifier"));
    }

    @Test
    void ensureMakesDirectoryMode0750() throws Exception {
        Path d = SocketDirs.ensure(dir.resolve("a/b"));
        assertThat(Files.getPosixFilePermissions(d)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    }

    @Test
    void unknownGroupIsReported() {
        assertThatThrownBy(() -> SocketDirs.checkGroup("no-such-group-jckpool")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void pidFiles() throws Exception {
        Path f = dir.resolve("main.pid");
        assertThat(PidFile.read(f)).isEmpty();
        PidFile.write(f, ProcessHandle.current().pid());
        assertThat(Files.readString(f)).isEqualTo(ProcessHandle.current().pid() + "\n");
        assertThat(PidFile.liveProcess(f)).isEmpty(); // ourselves do not count as another instance
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            PidFile.write(f, sleeper.pid());
            assertThat(PidFile.liveProcess(f)).map(ProcessHandle::pid).contains(sleeper.pid());
            PidFile.removeIfOurs(f);
            assertThat(f).exists();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertThat(PidFile.liveProcess(f)).isEmpty();
        Files.writeString(f, "garbage");
        assertThat(PidFile.read(f)).isEmpty();
        PidFile.write(f, ProcessHandle.current().pid());
        PidFile.removeIfOurs(f);
        assertThat(f).doesNotExist();
    }

    @Test
    void parentWatchFiresOnEof() throws Exception {
        Pipe stdin = Pipe.open();
        CountDownLatch gone = new CountDownLatch(1);
        ParentWatch.start(stdin.source(), gone::countDown);
        stdin.sink().write(ByteBuffer.wrap("ignored".getBytes()));
        assertThat(gone.await(200, TimeUnit.MILLISECONDS)).isFalse();
        stdin.sink().close();
        assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingTheWatchEndsItsBlockedReadWithoutFiring() throws Exception {
        Pipe stdin = Pipe.open();
        CountDownLatch gone = new CountDownLatch(1);
        ParentWatch w = ParentWatch.start(stdin.source(), gone::countDown);
        assertThat(w.awaitEnd(100)).isFalse();
        w.close();
        assertThat(w.awaitEnd(5_000)).isTrue();
        assertThat(gone.getCount()).isEqualTo(1);
        stdin.sink().close();
    }

    @Test
    void childArgsRoundTrip() {
        ChildArgs a = new ChildArgs("pool2", Path.of("/tmp/s"), Path.of("/etc/c.conf"), 7, "miners", true, true,
                true, false, true, true, true, true, true, false);
        assertThat(ChildArgs.parse(a.toArgs().toArray(String[]::new))).isEqualTo(a);
        ChildArgs b = ChildArgs.parse(new String[]{"--config", "x.conf"});
        assertThat(b.name()).isEqualTo("ckpool");
        assertThat(b.sockdir()).isEqualTo(Path.of("/tmp/ckpool"));
        assertThat(b.loglevel()).isEqualTo(5);
        assertThat(b.parentWatch()).isTrue();
    }

    @Test
    void childArgsErrors() {
        assertThatThrownBy(() -> ChildArgs.parse(new String[]{})).hasMessageContaining("--config");
        assertThatThrownBy(() -> ChildArgs.parse(new String[]{"--config", "c", "--loglevel", "9"}))
                .hasMessageContaining("0-7");
        assertThatThrownBy(() -> ChildArgs.parse(new String[]{"--config"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ChildArgs.parse(new String[]{"--config", "c", "--bogus"}))
                .hasMessageContaining("--bogus");
    }
}
