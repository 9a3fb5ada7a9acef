package org.jckpool.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsArchivesTest {
    @TempDir
    Path dir;

    @Test
    void recordsWhileMissingMapsOnceThereAndKeepsOnlyCleanRecordings() throws Exception {
        Path archive = dir.resolve("stratifier-abc.jsa");
        Path recording = dir.resolve("stratifier-abc.jsa.1.tmp");
        assertThat(CdsArchives.flags(archive, recording)).containsExactly("-XX:ArchiveClassesAtExit=" + recording);

        Files.writeString(recording, "x");
        CdsArchives.promote("stratifier", recording, archive, 1); // a child that failed: nothing kept
        assertThat(archive).doesNotExist();
        assertThat(recording).doesNotExist();

        Path older = Files.writeString(dir.resolve("stratifier-old.jsa"), "old");
        Path other = Files.writeString(dir.resolve("connector-old.jsa"), "other");
        Files.writeString(recording, "x");
        CdsArchives.promote("stratifier", recording, archive, 0);
        assertThat(archive).exists();
        assertThat(recording).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(other).exists();
        assertThat(CdsArchives.flags(archive, recording))
                .containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }
}
