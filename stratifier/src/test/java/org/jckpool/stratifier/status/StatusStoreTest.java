package org.jckpool.stratifier.status;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class StatusStoreTest {
    @TempDir
    Path dir;

    @Test
    void writesCkpoolLayoutAndRestoresIt() throws Exception {
        StratumEngine engine = new StratumEngine(Vectors.config(1, 1), new RecordingOutbound(), s -> SolutionOutcome.SUBMITTED, Clock.systemUTC());
        engine.stats().user("alice", System.currentTimeMillis()).accepted(5, 7, System.currentTimeMillis());
        engine.stats().pool().accepted(5, 7, System.currentTimeMillis());
        StatusStore store = new StatusStore(dir);
        assertThat(store.write(engine)).isTrue();
        assertThat(dir.resolve("pool/pool.status")).exists();
        assertThat(Files.readString(dir.resolve("users/alice"))).contains("\"bestshare\"");

        StratumEngine again = new StratumEngine(Vectors.config(1, 1), new RecordingOutbound(), s -> SolutionOutcome.SUBMITTED, Clock.systemUTC());
        store.restore(again);
        assertThat(again.stats().existingUser("alice")).isNotNull();
        assertThat(again.stats().existingUser("alice").bestShare()).isEqualTo(7);
    }

    @Test
    void unsafeUserNamesAreNotFiles() {
        assertThat(StatusStore.safeFileName("alice.rig")).isTrue();
        assertThat(StatusStore.safeFileName("../etc")).isFalse();
        assertThat(StatusStore.safeFileName(".hidden")).isFalse();
        assertThat(StatusStore.safeFileName("a/b")).isFalse();
    }
}
