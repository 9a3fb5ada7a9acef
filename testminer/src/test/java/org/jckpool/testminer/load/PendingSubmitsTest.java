package org.jckpool.testminer.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingSubmitsTest {
    @Test
    void repliesInOrderComeOffTheHead() {
        PendingSubmits p = new PendingSubmits();
        for (long id = 1; id <= 100; id++) {
            p.add(id, id * 10);
        }
        assertThat(p.size()).isEqualTo(100);
        for (long id = 1; id <= 100; id++) {
            assertThat(p.remove(id)).isEqualTo(id * 10);
        }
        assertThat(p.size()).isZero();
        assertThat(p.remove(1)).isEqualTo(PendingSubmits.ABSENT);
    }

    @Test
    void repliesOutOfOrderAndUnknownIdsAndGrowthWithAGapKeepEverySendTime() {
        PendingSubmits p = new PendingSubmits();
        for (long id = 1; id <= 10; id++) {
            p.add(id, -id); // negative times are valid nanoTime values
        }
        assertThat(p.remove(5)).isEqualTo(-5);
        assertThat(p.remove(5)).as("answered twice").isEqualTo(PendingSubmits.ABSENT);
        assertThat(p.remove(99)).isEqualTo(PendingSubmits.ABSENT);
        assertThat(p.remove(1)).isEqualTo(-1);
        // the ring wraps and grows past its first 16 slots while slot 5 is still a gap
        for (long id = 11; id <= 40; id++) {
            p.add(id, -id);
        }
        assertThat(p.size()).isEqualTo(38);
        for (long id = 40; id >= 2; id--) {
            if (id != 5) {
                assertThat(p.remove(id)).as("id %d", id).isEqualTo(-id);
            }
        }
        assertThat(p.size()).isZero();
        p.add(41, 7);
        p.clear();
        assertThat(p.size()).isZero();
        assertThat(p.remove(41)).isEqualTo(PendingSubmits.ABSENT);
    }

    @Test
    void eachSubmitKeepsWhetherItIsMeasuredThroughGrowthAndOutOfOrderReplies() {
        PendingSubmits p = new PendingSubmits();
        for (long id = 1; id <= 40; id++) {
            p.add(id, id, id % 3 != 0); // 40 entries: the ring grows twice
        }
        for (long id : new long[] {7, 3, 40, 39, 1, 2, 4, 5, 6, 8, 9, 10, 12, 24}) {
            assertThat(p.remove(id)).isEqualTo(id);
            assertThat(p.removedMeasured()).as("id %d", id).isEqualTo(id % 3 != 0);
        }
    }
}
