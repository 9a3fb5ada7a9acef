package org.jckpool.stratifier.passthrough;

import org.jckpool.libpool.net.HostPort;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which redirecturl entry an address goes to. */
class RedirectTargetsTest {
    final List<HostPort> three = List.of(new HostPort("a.example", 3333), new HostPort("b.example", 3334),
            new HostPort("c.example", 3335));

    @Test
    void theSameAddressAlwaysGetsTheSameTargetAcrossInstances() {
        for (int i = 0; i < 50; i++) {
            String ip = "10.1.2." + i;
            assertThat(new RedirectTargets(three).forAddress(ip)).isEqualTo(new RedirectTargets(three).forAddress(ip));
        }
    }

    @Test
    void theChoiceIsPinned() {
        // a change here moves every miner to another target after an upgrade: it must be deliberate
        assertThat(RedirectTargets.indexOf("127.0.0.1", 1)).isZero();
        assertThat(new int[]{RedirectTargets.indexOf("192.0.2.1", 3), RedirectTargets.indexOf("192.0.2.2", 3),
                RedirectTargets.indexOf("2001:db8::1", 3), RedirectTargets.indexOf("127.0.0.1", 3)})
                .containsExactly(0, 0, 2, 2);
        int[] pinned = {RedirectTargets.indexOf("192.0.2.1", 2), RedirectTargets.indexOf("192.0.2.2", 2),
                RedirectTargets.indexOf("2001:db8::1", 2)};
        assertThat(pinned).containsExactly(expectedIndex("192.0.2.1", 2), expectedIndex("192.0.2.2", 2),
                expectedIndex("2001:db8::1", 2));
    }

    @Test
    void addressesSpreadOverEveryTarget() {
        Set<HostPort> used = new HashSet<>();
        int[] counts = new int[3];
        RedirectTargets t = new RedirectTargets(three);
        for (int i = 0; i < 300; i++) {
            HostPort to = t.forAddress("10.0." + (i / 250) + "." + (i % 250));
            used.add(to);
            counts[three.indexOf(to)]++;
        }
        assertThat(used).containsExactlyInAnyOrderElementsOf(three);
        for (int c : counts) {
            assertThat(c).isBetween(60, 140);
        }
    }

    @Test
    void anEmptyListIsRefused() {
        assertThatThrownBy(() -> new RedirectTargets(List.of())).hasMessageContaining("redirecturl");
    }

    /** The rule written out independently: SHA-256 of the address, first 8 bytes big-endian, unsigned modulo. */
    private static int expectedIndex(String ip, int size) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(ip.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new java.math.BigInteger(1, java.util.Arrays.copyOf(h, 8)).mod(java.math.BigInteger.valueOf(size))
                    .intValueExact();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
