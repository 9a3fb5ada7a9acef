package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteOutboxTest {
    @TempDir
    Path dir;

    private static ObjectNode share(String worker) {
        ObjectNode n = Json.object();
        n.put("method", "share");
        n.put("workername", worker);
        return n;
    }

    private static List<Long> seqs(List<RemoteOutbox.Entry> entries) {
        return entries.stream().map(RemoteOutbox.Entry::seq).toList();
    }

    @Test
    void numbersInOrderAndHandsOutOnlyWhatFollowsASeq() throws Exception {
        try (RemoteOutbox o = RemoteOutbox.open(dir, 100)) {
            assertThat(o.append(share("a"), 0)).isEqualTo(1);
            assertThat(o.append(share("b"), 0)).isEqualTo(2);
            assertThat(o.append(share("c"), 0)).isEqualTo(3);
            assertThat(seqs(o.after(0, 10))).containsExactly(1L, 2L, 3L);
            assertThat(seqs(o.after(1, 10))).containsExactly(2L, 3L);
            assertThat(seqs(o.after(0, 2))).containsExactly(1L, 2L);
            assertThat(Json.parseOrNull(o.after(2, 1).get(0).line()).path("workername").asText()).isEqualTo("c");
            o.ack(2);
            assertThat(seqs(o.after(0, 10))).as("acked lines are gone").containsExactly(3L);
            assertThat(o.pendingCount()).isEqualTo(1);
        }
    }

    @Test
    void aRestartKeepsNumberingAndOwesOnlyTheUnacked() throws Exception {
        try (RemoteOutbox o = RemoteOutbox.open(dir, 100)) {
            for (int i = 0; i < 5; i++) {
                o.append(share("w" + i), 0);
            }
            o.ack(3);
        }
        try (RemoteOutbox o = RemoteOutbox.open(dir, 100)) {
            assertThat(o.acked()).isEqualTo(3);
            assertThat(seqs(o.after(o.acked(), 10))).containsExactly(4L, 5L);
            assertThat(o.append(share("w5"), 0)).as("no seq is reused after a restart").isEqualTo(6);
            o.ack(6);
        }
        try (RemoteOutbox o = RemoteOutbox.open(dir, 100)) {
            assertThat(o.pendingCount()).isZero();
            assertThat(o.append(share("w6"), 0)).isEqualTo(7);
        }
    }

    @Test
    void theBoundDropsNewMessagesUntilAnAckMakesRoom() throws Exception {
        try (RemoteOutbox o = RemoteOutbox.open(dir, 3)) {
            o.append(share("a"), 0);
            o.append(share("b"), 0);
            o.append(share("c"), 0);
            assertThat(o.append(share("d"), 0)).isEqualTo(-1);
            assertThat(o.dropped()).isEqualTo(1);
            o.ack(1);
            assertThat(o.append(share("e"), 0)).as("the dropped message used no seq").isEqualTo(4);
            assertThat(seqs(o.after(0, 10))).containsExactly(2L, 3L, 4L);
        }
    }

    @Test
    void compactionRewritesTheFileWithTheUnackedOnly() throws Exception {
        try (RemoteOutbox o = RemoteOutbox.open(dir, 5000)) {
            for (int i = 0; i < 2000; i++) {
                o.append(share("w"), 0);
            }
            o.ack(1990);
            assertThat(Files.readAllLines(dir.resolve(RemoteOutbox.OUTBOX))).hasSize(10);
            o.append(share("w"), 0);
        }
        try (RemoteOutbox o = RemoteOutbox.open(dir, 5000)) {
            assertThat(seqs(o.after(0, 100))).hasSize(11).startsWith(1991L).endsWith(2001L);
        }
    }

    @Test
    void afterCloseNothingIsKeptAndNothingThrows() throws Exception {
        RemoteOutbox o = RemoteOutbox.open(dir, 10);
        o.append(share("a"), 0);
        o.close();
        assertThat(o.append(share("b"), 0)).isEqualTo(-1);
        try (RemoteOutbox again = RemoteOutbox.open(dir, 10)) {
            assertThat(seqs(again.after(0, 10))).containsExactly(1L);
        }
    }

    @Test
    void anUnreadableLineOrAckFileIsSkippedNotFatal() throws Exception {
        Files.writeString(dir.resolve(RemoteOutbox.OUTBOX), "{\"method\":\"share\",\"seq\":1}\nnot json\n"
                + "{\"method\":\"share\",\"seq\":2}\n");
        Files.writeString(dir.resolve(RemoteOutbox.ACKED), "junk");
        try (RemoteOutbox o = RemoteOutbox.open(dir, 10)) {
            assertThat(seqs(o.after(0, 10))).containsExactly(1L, 2L);
            assertThat(o.append(share("x"), 0)).isEqualTo(3);
        }
    }
}
