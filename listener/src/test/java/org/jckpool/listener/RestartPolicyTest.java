package org.jckpool.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    @Test
    void backsOffThenGivesUpOnTheFifthDeathWithinAMinute() {
        RestartPolicy p = new RestartPolicy(5, Duration.ofSeconds(60));
        assertThat(p.onDeath(0)).contains(Duration.ofMillis(250));
        assertThat(p.onDeath(1_000)).contains(Duration.ofMillis(500));
        assertThat(p.onDeath(2_000)).contains(Duration.ofMillis(1000));
        assertThat(p.onDeath(3_000)).contains(Duration.ofMillis(2000));
        assertThat(p.onDeath(4_000)).isEqualTo(Optional.empty());
    }

    @Test
    void oldDeathsAgeOut() {
        RestartPolicy p = new RestartPolicy(5, Duration.ofSeconds(60));
        for (int i = 0; i < 4; i++) {
            assertThat(p.onDeath(i * 1000L)).isPresent();
        }
        assertThat(p.onDeath(70_000)).contains(Duration.ofMillis(250));
        assertThat(p.recentDeaths()).isEqualTo(1);
    }

    @Test
    void delayIsCapped() {
        RestartPolicy p = new RestartPolicy(100, Duration.ofSeconds(60));
        Optional<Duration> last = Optional.empty();
        for (int i = 0; i < 30; i++) {
            last = p.onDeath(i);
        }
        assertThat(last).contains(RestartPolicy.MAX_DELAY);
    }

    @Test
    void theConnectorsFirstRestartIsImmediate() {
        RestartPolicy p = RestartPolicy.restartingFirstAtOnce(5, Duration.ofSeconds(60));
        assertThat(p.onDeath(0)).contains(Duration.ZERO);
        assertThat(p.onDeath(1_000)).contains(Duration.ofMillis(250));
        assertThat(p.onDeath(2_000)).contains(Duration.ofMillis(500));
        assertThat(p.onDeath(70_000)).contains(Duration.ZERO);
    }
}
