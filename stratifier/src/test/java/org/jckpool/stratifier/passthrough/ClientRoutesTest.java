package org.jckpool.stratifier.passthrough;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** client_id routing: each connector client gets an upstream id of its own, both ways. */
class ClientRoutesTest {
    @Test
    void eachMinerGetsItsOwnSmallUpstreamIdFoundBothWays() {
        ClientRoutes routes = new ClientRoutes();
        long big = 0x7fff_ffff_ffff_fff0L; // the connector's ids use 63 bits; a ckpool upstream keeps 32
        ClientRoutes.Route a = routes.add(big, "10.0.0.1", 0);
        ClientRoutes.Route b = routes.add(5, "10.0.0.2", 1);
        assertThat(a.upstreamId()).isEqualTo(1);
        assertThat(b.upstreamId()).isEqualTo(2);
        assertThat(routes.byUpstream(1)).isEqualTo(a);
        assertThat(routes.byUpstream(2).connectorId()).isEqualTo(5);
        assertThat(routes.byConnector(big)).isEqualTo(a);
        assertThat(routes.add(big, "other", 3)).as("a known client keeps its route").isEqualTo(a);
        assertThat(routes.size()).isEqualTo(2);
    }

    @Test
    void unknownAndOutOfRangeIdsHaveNoRoute() {
        ClientRoutes routes = new ClientRoutes();
        routes.add(1, "a", 0);
        assertThat(routes.byUpstream(2)).isNull();
        assertThat(routes.byUpstream(0)).isNull();
        assertThat(routes.byUpstream(-1)).isNull();
        assertThat(routes.byUpstream(1L + Integer.MAX_VALUE)).isNull();
        assertThat(routes.byUpstream((1L << 32) + 1)).as("not truncated to 1").isNull();
    }

    @Test
    void aRemovedRouteIsGoneBothWaysAndItsIdIsNotHandedOutAgainAtOnce() {
        ClientRoutes routes = new ClientRoutes();
        ClientRoutes.Route a = routes.add(10, "a", 0);
        assertThat(routes.remove(10)).isEqualTo(a);
        assertThat(routes.byUpstream(a.upstreamId())).isNull();
        assertThat(routes.byConnector(10)).isNull();
        assertThat(routes.remove(10)).isNull();
        // a late reply for the old id must not reach the next miner
        assertThat(routes.add(11, "b", 0).upstreamId()).isNotEqualTo(a.upstreamId());
    }

    @Test
    void idsWrapAroundToOneAfterTheLargest() {
        ClientRoutes routes = new ClientRoutes(Integer.MAX_VALUE - 2);
        assertThat(routes.add(9, "z", 0).upstreamId()).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(routes.add(2, "b", 0).upstreamId()).isEqualTo(Integer.MAX_VALUE);
        assertThat(routes.add(3, "c", 0).upstreamId()).as("wraps to 1").isEqualTo(1);
        assertThat(routes.byUpstream(Integer.MAX_VALUE).connectorId()).isEqualTo(2);
    }
}
