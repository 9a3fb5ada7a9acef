package org.jckpool.generator.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scheduling proxy's layout room: when it is fixed, to what, and what it makes incompatible. */
class LayoutRoomTest {
    private static final boolean[] NONE_UNDECIDED = {false, false, false};

    @Test
    void heldWhileACandidateHasNotAnsweredItsFirstAttempt() {
        LayoutRoom l = new LayoutRoom(1_000);
        assertThat(l.fix(new int[] {8, -1, -1}, new boolean[] {false, true, false}, 2_000)).isZero();
        assertThat(l.fix(new int[] {8, 6, -1}, NONE_UNDECIDED, 2_100)).isEqualTo(6);
        assertThat(l.fix(new int[] {8, 4, -1}, NONE_UNDECIDED, 2_200)).as("fixed once").isEqualTo(6);
    }

    @Test
    void theHoldEndsAfterItsBoundWithWhatHasSubscribed() {
        LayoutRoom l = new LayoutRoom(1_000);
        boolean[] stillTrying = {false, true, false};
        assertThat(l.fix(new int[] {8, -1, -1}, stillTrying, 1_000 + LayoutRoom.HOLD_MILLIS - 1)).isZero();
        assertThat(l.fix(new int[] {8, -1, -1}, stillTrying, 1_000 + LayoutRoom.HOLD_MILLIS)).isEqualTo(8);
        assertThat(l.problem(4)).isEqualTo("extranonce2 size 4 is smaller than the proxy's layout (8 bytes)");
        assertThat(l.problem(8)).isNull();
        assertThat(l.problem(12)).isNull();
    }

    @Test
    void anUpstreamTooSmallToProxyDoesNotSetTheRoom() {
        LayoutRoom l = new LayoutRoom(0);
        assertThat(l.fix(new int[] {2, -1, -1}, NONE_UNDECIDED, 10)).as("nothing usable yet").isZero();
        assertThat(l.fix(new int[] {2, 5, -1}, NONE_UNDECIDED, 20)).isEqualTo(5);
        assertThat(l.problem(2)).isEqualTo("extranonce2 size 2 is too small to proxy (needs 4 or more)");
    }

    @Test
    void aStratifiersLayoutOnlyEverRaisesTheRoom() {
        LayoutRoom l = new LayoutRoom(0);
        assertThat(l.stratifierLayout(6)).as("adopted before the room is fixed").isTrue();
        assertThat(l.fix(new int[] {4, 8, -1}, new boolean[] {false, false, true}, 1)).as("no more holding")
                .isEqualTo(6);
        assertThat(l.stratifierLayout(4)).isFalse();
        assertThat(l.stratifierLayout(2)).isFalse();
        assertThat(l.room()).isEqualTo(6);
        assertThat(l.stratifierLayout(8)).isTrue();
        assertThat(l.room()).isEqualTo(8);
        assertThat(l.problem(6)).isNotNull();
    }
}
