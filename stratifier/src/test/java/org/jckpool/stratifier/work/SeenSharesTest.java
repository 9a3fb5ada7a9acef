package org.jckpool.stratifier.work;

import org.jckpool.libpool.bitcoin.Sha256d;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class SeenSharesTest {
    @Test
    void remembersEveryHashThroughGrowth() {
        SeenShares s = new SeenShares();
        for (int i = 0; i < 50_000; i++) {
            assertThat(s.add(Sha256d.hash(ByteBuffer.allocate(4).putInt(i).array()))).isTrue();
        }
        assertThat(s.size()).isEqualTo(50_000);
        for (int i = 0; i < 50_000; i += 7) {
            assertThat(s.add(Sha256d.hash(ByteBuffer.allocate(4).putInt(i).array()))).isFalse();
        }
        assertThat(s.size()).isEqualTo(50_000);
    }
}
