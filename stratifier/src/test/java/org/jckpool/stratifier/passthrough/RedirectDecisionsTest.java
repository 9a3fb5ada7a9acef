package org.jckpool.stratifier.passthrough;

import org.jckpool.libpool.net.HostPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a redirector sends a miner on, and when it drops one. */
class RedirectDecisionsTest {
    final RedirectTargets targets = new RedirectTargets(List.of(new HostPort("a.example", 3333),
            new HostPort("b.example", 3334)));
    final RedirectDecisions d = new RedirectDecisions(targets, 5_000);
    static final String SUBMIT_7 = "{\"id\":7,\"method\":\"mining.submit\",\"params\":[\"w\",\"1\",\"00\",\"5f\",\"01\"]}";
    static final String AUTHORIZE_2 = "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"w\",\"x\"]}";

    @Test
    void anAcceptedShareRedirectsOnceToTheAddressesTarget() {
        d.connected(1, "10.0.0.1", 0);
        d.fromMiner(1, SUBMIT_7, 10);
        assertThat(d.toMiner(1, "{\"id\":7,\"result\":true,\"error\":null}", 20))
                .isEqualTo(targets.forAddress("10.0.0.1"));
        d.fromMiner(1, SUBMIT_7.replace(":7", ":8"), 30);
        assertThat(d.toMiner(1, "{\"id\":8,\"result\":true,\"error\":null}", 40)).as("only once").isNull();
        assertThat(d.redirects()).isEqualTo(1);
    }

    @Test
    void rejectedSharesErrorsAndOtherRepliesDoNotRedirect() {
        d.connected(1, "10.0.0.1", 0);
        d.fromMiner(1, SUBMIT_7, 10);
        assertThat(d.toMiner(1, "{\"id\":7,\"result\":false,\"error\":[23,\"Low difficulty share\",null]}", 20))
                .isNull();
        d.fromMiner(1, SUBMIT_7, 30);
        assertThat(d.toMiner(1, "{\"id\":7,\"result\":true,\"error\":[21,\"Stale\",null]}", 40)).isNull();
        // a true answer to a request that is not a share (subscribe, configure, suggest_difficulty …)
        d.fromMiner(1, "{\"id\":9,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}", 50);
        assertThat(d.toMiner(1, "{\"id\":9,\"result\":true,\"error\":null}", 60)).isNull();
        // a share's id reused by another request: its true answer is not the share's
        d.fromMiner(1, SUBMIT_7, 70);
        d.fromMiner(1, "{\"id\":7,\"method\":\"mining.suggest_difficulty\",\"params\":[1]}", 71);
        assertThat(d.toMiner(1, "{\"id\":7,\"result\":true,\"error\":null}", 80)).isNull();
        // a string id "7" is not the numeric id 7
        d.fromMiner(1, SUBMIT_7, 90);
        assertThat(d.toMiner(1, "{\"id\":\"7\",\"result\":true,\"error\":null}", 100)).isNull();
        // notifications carry no id
        assertThat(d.toMiner(1, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[]}", 110)).isNull();
        assertThat(d.redirects()).isZero();
    }

    @Test
    void aShareAnsweredAfterTwoMinutesIsNoLongerRemembered() {
        d.connected(1, "10.0.0.1", 0);
        d.fromMiner(1, SUBMIT_7, 1_000);
        assertThat(d.toMiner(1, "{\"id\":7,\"result\":true,\"error\":null}",
                1_000 + RedirectDecisions.SHARE_MEMORY_MILLIS + 1)).isNull();
    }

    @Test
    void aKnownAddressIsRedirectedAsSoonAsItsNextConnectionIsAuthorised() {
        d.connected(1, "10.0.0.1", 0);
        d.fromMiner(1, SUBMIT_7, 10);
        HostPort first = d.toMiner(1, "{\"id\":7,\"result\":true,\"error\":null}", 20);
        d.disconnected(1);

        d.connected(2, "10.0.0.1", 100);
        d.fromMiner(2, AUTHORIZE_2, 110);
        assertThat(d.toMiner(2, "{\"id\":2,\"result\":true,\"error\":null}", 120)).isEqualTo(first);

        // another address must earn it with a share of its own
        d.connected(3, "10.0.0.3", 100);
        d.fromMiner(3, AUTHORIZE_2, 110);
        assertThat(d.toMiner(3, "{\"id\":2,\"result\":true,\"error\":null}", 120)).isNull();
        // and a refused authorisation never redirects
        d.connected(4, "10.0.0.1", 100);
        d.fromMiner(4, AUTHORIZE_2, 110);
        assertThat(d.toMiner(4, "{\"id\":2,\"result\":false,\"error\":null}", 120)).isNull();
    }

    @Test
    void minersNotRedirectedWithinDropidleAreOverdueOnce() {
        d.connected(1, "10.0.0.1", 0);
        d.connected(2, "10.0.0.2", 1_000);
        d.connected(3, "10.0.0.3", 0);
        d.fromMiner(3, SUBMIT_7, 10);
        d.toMiner(3, "{\"id\":7,\"result\":true,\"error\":null}", 20);
        assertThat(d.overdue(4_999)).isEmpty();
        assertThat(d.overdue(5_000)).containsExactly(1L);
        assertThat(d.overdue(6_000)).containsExactly(2L);
        assertThat(d.overdue(60_000)).as("a redirected miner stays").isEmpty();
        assertThat(d.droppedIdle()).isEqualTo(2);
        assertThat(d.screening()).isZero();
    }

    @Test
    void withoutDropidleNobodyIsOverdue() {
        RedirectDecisions keep = new RedirectDecisions(targets, 0);
        keep.connected(1, "10.0.0.1", 0);
        assertThat(keep.overdue(Long.MAX_VALUE / 2)).isEmpty();
        assertThat(keep.screening()).isEqualTo(1);
    }

    @Test
    void unknownClientsAndBadLinesAreIgnored() {
        d.fromMiner(42, SUBMIT_7, 0);
        assertThat(d.toMiner(42, "{\"id\":7,\"result\":true,\"error\":null}", 1)).isNull();
        d.connected(1, "10.0.0.1", 0);
        d.fromMiner(1, "not json", 1);
        assertThat(d.toMiner(1, "{\"result\": oops", 2)).isNull();
    }
}
