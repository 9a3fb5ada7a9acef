package org.jckpool.stratifier.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.stratifier.engine.ClientOutbound;
import org.junit.jupiter.api.Test;

class LinkPacerTest {
    /** A connector that takes a drain request and never answers it (it died in between). */
    static final class SilentConnector implements ClientOutbound {
        final List<String> sent = new ArrayList<>();

        @Override
        public void send(long clientId, String line) {
            sent.add(line);
        }

        @Override
        public void broadcast(String line) {
        }

        @Override
        public void drop(long clientId, String reason) {
        }

        @Override
        public boolean whenDrained(long clientId) {
            return true;
        }
    }

    @Test
    void aDrainReportThatNeverComesHoldsTheLaneOnlyForAWhile() {
        SilentConnector connector = new SilentConnector();
        AtomicLong now = new AtomicLong(1_000);
        LinkPacer pacer = new LinkPacer(connector, now::get);
        String big = "x".repeat(LinkPacer.BUDGET_BYTES);
        pacer.send(7, big);
        pacer.send(7, "held");
        assertThat(connector.sent).containsExactly(big);
        assertThat(pacer.waitingBytes(7)).isEqualTo(4);

        now.addAndGet(LinkPacer.DRAIN_WAIT_MS);
        pacer.send(7, "next");
        assertThat(connector.sent).containsExactly(big, "held", "next");
        assertThat(pacer.waitingBytes(7)).isZero();
    }
}
