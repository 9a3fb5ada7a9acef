package org.jckpool.libpool.stratum;

import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's writer thread: queued lines leave in few socket writes, in order; shares wait for room. */
class StratumLineWriterTest {
    /** An output whose first write blocks until released, so that lines pile up behind it. */
    private static final class HeldOutput extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        volatile boolean holding;
        int writes;

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException("one byte at a time");
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (writes++ == 0) {
                holding = true;
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            got.write(b, off, len);
        }

        synchronized String text() {
            return got.toString(StandardCharsets.UTF_8);
        }

        synchronized int writes() {
            return writes;
        }
    }

    @Test
    void linesQueuedDuringAWriteLeaveInOrderInFewWrites() throws Exception {
        HeldOutput out = new HeldOutput();
        StratumLineWriter w = new StratumLineWriter(out, 100_000, "w", e -> { }).start();
        w.add("first");
        Await.until("the first write in progress", () -> out.holding);
        StringBuilder expected = new StringBuilder("first\n");
        for (int i = 0; i < 5_000; i++) {
            String line = "{\"id\":" + i + ",\"method\":\"mining.submit\",\"params\":[\"w\",\"1\",\"00\",\"1\",\"2\"]}";
            w.add(line);
            expected.append(line).append('\n');
        }
        out.release.countDown();
        Await.until("every line written", () -> w.lines() == 5_001);
        assertThat(out.text()).isEqualTo(expected.toString());
        // 5,000 lines of 64 bytes = 320,000 bytes in 64 KiB batches: 5 more writes after the held one
        assertThat(out.writes()).isBetween(2, 8);
        assertThat(w.writes()).isEqualTo(out.writes());
    }

    @Test
    void sharesWaitForRoomAndAFailedWriteIsReported() throws Exception {
        HeldOutput out = new HeldOutput();
        AtomicReference<IOException> failure = new AtomicReference<>();
        StratumLineWriter w = new StratumLineWriter(out, 10, "w", failure::set).start();
        w.add("held");
        Await.until("the first write in progress", () -> out.holding);
        for (int i = 0; i < 10; i++) {
            w.add("line " + i);
        }
        assertThat(w.awaitRoom(50, TimeUnit.MILLISECONDS)).as("10 queued: no room").isFalse();
        out.release.countDown();
        assertThat(w.awaitRoom(5, TimeUnit.SECONDS)).isTrue();

        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        StratumLineWriter dead = new StratumLineWriter(broken, 10, "dead", failure::set).start();
        dead.add("x");
        Await.until("the failure reported", () -> failure.get() != null);
        assertThat(failure.get()).hasMessage("broken pipe");
        assertThat(dead.add("y")).as("closed after the failure").isFalse();
        assertThat(dead.awaitRoom(1, TimeUnit.SECONDS)).isFalse();
    }
}
