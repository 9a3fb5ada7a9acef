package org.jckpool.connector.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void parsesIpv4Ipv6AndBareHosts() {
        assertThat(ListenAddress.parse("0.0.0.0:3333")).isEqualTo(new ListenAddress("0.0.0.0", 3333));
        assertThat(ListenAddress.parse("[::1]:3334")).isEqualTo(new ListenAddress("::1", 3334));
        assertThat(ListenAddress.parse("[::]")).isEqualTo(new ListenAddress("::", 3333));
        assertThat(ListenAddress.parse(" pool.example:4001 ")).isEqualTo(new ListenAddress("pool.example", 4001));
        assertThat(ListenAddress.parse("localhost")).isEqualTo(new ListenAddress("localhost", 3333));
        assertThat(ListenAddress.parse("[::1]:3334")).hasToString("[::1]:3334");
        assertThat(ListenAddress.parse("127.0.0.1:0")).hasToString("127.0.0.1:0");
    }

    @Test
    void rejectsMalformedEntries() {
        for (String bad : new String[] {"", "::1:3333", "[::1", "[::1]3333", "host:x", "host:70000", ":3333",
                "[]:1"}) {
            assertThatThrownBy(() -> ListenAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void settingsRejectNonsense() {
        ConnectorSettings ok = ConnectorSettings.defaults(List.of(ListenAddress.parse("127.0.0.1:0")));
        assertThatThrownBy(() -> ok.withMaxClients(-1)).hasMessageContaining("maxclients");
        assertThatThrownBy(() -> ok.withMaxLineBytes(10)).hasMessageContaining("line length");
        assertThatThrownBy(() -> ok.withMaxQueuedBytes(100)).hasMessageContaining("smaller than the line cap");
        assertThatThrownBy(() -> ok.withStallTimeout(Duration.ofSeconds(-1))).hasMessageContaining("stall");
        assertThatThrownBy(() -> ConnectorSettings.defaults(List.of())).hasMessageContaining("no serverurl");
    }

    @Test
    void clientIdsAreIncreasingAndSeededFromTheClock() {
        long before = System.currentTimeMillis() << 20;
        ClientIds ids = new ClientIds();
        long first = ids.next();
        long second = ids.next();
        assertThat(first).isGreaterThan(before);
        assertThat(second).isEqualTo(first + 1);
        ClientIds later = new ClientIds(System.currentTimeMillis() + 1 << 20);
        assertThat(later.next()).isGreaterThan(second);
    }
}
