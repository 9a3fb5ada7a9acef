package org.jckpool.testminer.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VersionRollerTest {
    @Test
    void rolledVersionsStayInsideTheMaskAndAreDistinct() {
        long mask = 0x1fffe000L;
        VersionRoller r = new VersionRoller(mask);
        assertThat(r.count()).isEqualTo(1 << 16);
        Set<Long> seen = new HashSet<>();
        for (int v = 0; v < r.count(); v++) {
            long version = r.version(0x20000000L, v);
            assertThat(version & ~mask).isEqualTo(0x20000000L);
            seen.add(version);
        }
        assertThat(seen).hasSize(1 << 16);
    }

    @Test
    void noMaskMeansTheJobVersionOnly() {
        VersionRoller r = new VersionRoller(0);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.version(0x20000004L, 0)).isEqualTo(0x20000004L);
    }

    @Test
    void jobBitsInsideTheMaskAreReplacedByTheRolledBits() {
        VersionRoller r = new VersionRoller(0x00006000L);
        assertThat(r.count()).isEqualTo(4);
        assertThat(r.version(0x20006000L, 0)).isEqualTo(0x20000000L);
        assertThat(r.version(0x20000000L, 1)).isEqualTo(0x20002000L);
        assertThat(r.version(0x20000000L, 2)).isEqualTo(0x20004000L);
    }
}
