package org.jckpool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsAsSoonAsTheConditionHolds() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertThat(Await.within(5_000, () -> polls.incrementAndGet() == 3)).isTrue();
        assertThat(polls).hasValue(3);
    }

    @Test
    void failsNamingWhatItWaitedFor() {
        assertThatThrownBy(() -> Await.until("the moon", 30, () -> false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the moon").hasMessageContaining("30 ms");
    }

    @Test
    void holdsForIsFalseOnceTheConditionFails() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertThat(Await.holdsFor(5_000, () -> polls.incrementAndGet() < 4)).isFalse();
        assertThat(polls).hasValue(4);
        assertThat(Await.holdsFor(20, () -> true)).isTrue();
    }

    @Test
    void anExceptionFromTheConditionEndsTheWait() {
        assertThatThrownBy(() -> Await.within(5_000, () -> {
            throw new IllegalStateException("probe broke");
        })).hasMessage("probe broke");
    }
}
