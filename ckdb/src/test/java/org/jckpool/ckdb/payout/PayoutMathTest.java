package org.jckpool.ckdb.payout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jckpool.ckdb.memory.AddressRatio;
import org.junit.jupiter.api.Test;

class PayoutMathTest {

    @Test
    void windowCountsOnlyThePartOfTheEdgeShareInside() {
        PplnsWindow w = new PplnsWindow(2, 5); // 10
        assertThat(w.add(9, "a", 4)).isTrue();
        assertThat(w.add(8, "b", 4)).isTrue();
        assertThat(w.add(7, "a", 4)).isFalse(); // only 2 of it fit
        assertThat(w.add(6, "c", 100)).isFalse();
        assertThat(w.diffByUser()).isEqualTo(Map.of("a", 6.0, "b", 4.0));
        assertThat(w.counted()).isEqualTo(10.0);
        assertThat(w.oldestShareId()).isEqualTo(7);
    }

    @Test
    void distributionRoundsDownAndNeverPaysMoreThanTheReward() {
        Map<String, Double> diffs = new TreeMap<>(Map.of("a", 1.0, "b", 1.0, "c", 1.0));
        PayoutMath.Distribution d = PayoutMath.distribute(100, 0.02, diffs, 3.0);
        assertThat(d.fee()).isEqualTo(2);
        assertThat(d.amountByUser()).isEqualTo(Map.of("a", 32L, "b", 32L, "c", 32L)); // 98/3 = 32.67
        assertThat(d.distributed()).isEqualTo(96);
    }

    @Test
    void splitGivesTheRemainderToTheHighestRatio() {
        Map<String, Long> s = PayoutMath.split(10, List.of(new AddressRatio("x", 1),
                new AddressRatio("y", 2)));
        assertThat(s).isEqualTo(Map.of("x", 3L, "y", 7L));
        assertThat(PayoutMath.split(2_100_000_000_000_000L, List.of(new AddressRatio("x", 1_000_000),
                new AddressRatio("y", 999_999))).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(2_100_000_000_000_000L);
        assertThatThrownBy(() -> PayoutMath.split(5, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PayoutMath.fee(5, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
