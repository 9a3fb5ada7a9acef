package org.jckpool.testminer.stratum;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineBufferTest {
    private static void feed(LineBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.feed(bytes, 0, bytes.length);
    }

    @Test
    void splitsLinesAcrossFeedsAndStripsCr() {
        LineBuffer b = new LineBuffer(1024);
        feed(b, "{\"a\":1}\r\n{\"b\"");
        assertThat(b.poll()).isEqualTo("{\"a\":1}");
        assertThat(b.poll()).isNull();
        feed(b, ":2}\n\nlast");
        assertThat(b.poll()).isEqualTo("{\"b\":2}");
        assertThat(b.poll()).isEmpty();
        assertThat(b.poll()).isNull();
        assertThat(b.pending()).isEqualTo(4);
        feed(b, "\n");
        assertThat(b.poll()).isEqualTo("last");
    }

    @Test
    void dropsOverlongLinesAndRecovers() {
        LineBuffer b = new LineBuffer(64);
        feed(b, "x".repeat(50));
        assertThat(b.poll()).isNull();
        feed(b, "y".repeat(50));
        assertThat(b.poll()).isNull();
        feed(b, "z".repeat(500));
        assertThat(b.poll()).isNull();
        assertThat(b.pending()).isLessThanOrEqualTo(64);
        feed(b, "tail\nok\n" + "w".repeat(100) + "\nfine\n");
        assertThat(b.poll()).isEqualTo("ok");
        assertThat(b.poll()).isEqualTo("fine");
        assertThat(b.poll()).isNull();
        assertThat(b.takeOverlongCount()).isEqualTo(2);
        assertThat(b.takeOverlongCount()).isZero();
    }

    @Test
    void decodesUtf8() {
        LineBuffer b = new LineBuffer(64);
        feed(b, "héllo ✓\n");
        assertThat(b.poll()).isEqualTo("héllo ✓");
    }

    @Test
    void givesLinesAsByteRangesWithoutTerminators() {
        LineBuffer b = new LineBuffer(64);
        feed(b, "one\r\ntwo\nthr");
        assertThat(b.nextLine()).isTrue();
        assertThat(new String(b.lineBytes(), b.lineStart(), b.lineLength(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(b.nextLine()).isTrue();
        assertThat(new String(b.lineBytes(), b.lineStart(), b.lineLength(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(b.nextLine()).isFalse();
        feed(b, "ee\n");
        assertThat(b.nextLine()).isTrue();
        assertThat(new String(b.lineBytes(), b.lineStart(), b.lineLength(), StandardCharsets.UTF_8))
                .isEqualTo("three");
        assertThat(b.nextLine()).isFalse();
    }
}
