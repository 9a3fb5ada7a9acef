package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ckpool -P} with {@code "passthrough_clients": 3} and seven miners (one testminer in load mode, real shares):
 * the passthrough opens three upstream connections (3 + 3 + 1 miners), the upstream pool lists three downstream
 * links with those miner counts, and every miner's shares are accepted by the upstream pool.
 */
class PassthroughConnectionsIT {
    static final int MINERS = 7;

    @TempDir
    Path dir;

    @Test
    void sevenMinersWithACapOfThreeGoUpOnThreeConnections() throws Exception {
        try (MiningSuite up = new MiningSuite(dir, "up", "1d00ffff", PassthroughModeIT.DIFFS);
             PoolProcesses pt = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("upstream ready; log:\n%s", up.poolLog()).isTrue();
            PassthroughInFront front = PassthroughInFront.start(dir, pt, up.stratumPort, "\"passthrough_clients\":3");
            int stratum = front.stratumPort;
            Path sock = front.sockdir;

            LineProcess load = pt.startLines(List.of(pt.root.resolve("scripts/testminer").toString(), "-o",
                    "stratum+tcp://127.0.0.1:" + stratum, "--load", "--valid", "-u", "cap", "--connections",
                    Integer.toString(MINERS), "--rate", "14", "--duration", "8", "--ready-timeout", "60",
                    "--status-interval", "0", "--drain", "5"), "cap-load.err");
            String ready = load.awaitLine(0, l -> l.startsWith("LOAD_READY "), 90_000)
                    .orElseThrow(() -> new AssertionError("load generator not ready\n" + load.output()));
            assertThat(ready).as(load.output()).startsWith("LOAD_READY ready=" + MINERS + " of " + MINERS);

            // the passthrough: three connections, 3 + 3 + 1 miners
            JsonNode st = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"passthrough\"}");
            assertThat(st.path("max_clients_per_connection").asInt()).as("%s", st).isEqualTo(3);
            assertThat(st.path("clients").asInt()).isEqualTo(MINERS);
            List<Integer> perConnection = new ArrayList<>();
            st.path("connections").forEach(c -> {
                assertThat(c.path("connected").asBoolean()).as("%s", c).isTrue();
                perConnection.add(c.path("clients").asInt());
            });
            assertThat(perConnection).as("%s", st).containsExactly(3, 3, 1);

            // the upstream pool: three downstream links with those miners
            JsonNode down = up.stratifier("{\"method\":\"passthrough\"}");
            List<Integer> links = new ArrayList<>();
            down.path("downstream").forEach(d -> links.add(d.path("clients").asInt()));
            assertThat(links).as("%s", down).containsExactlyInAnyOrder(3, 3, 1);

            String submits = load.awaitLine(0, l -> l.startsWith("LOAD_SUBMITS "), 60_000)
                    .orElseThrow(() -> new AssertionError("no submit summary\n" + load.output()));
            System.out.println("PASSTHROUGH_CONNECTIONS " + perConnection + " upstream links " + links + "; "
                    + submits);
            assertThat(field(submits, "accepted")).as(submits).isPositive();
            assertThat(field(submits, "rejected")).as(submits).isZero();
            assertThat(field(submits, "unanswered")).as(submits).isZero();
            // every miner's shares reached the upstream pool's books
            for (int i = 0; i < MINERS; i++) {
                String worker = "cap.w" + i;
                assertThat(Await.within(5_000, () -> {
                    JsonNode w = up.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + worker
                            + "\"}}");
                    return w != null && w.path("accepted").asLong() > 0;
                })).as("upstream accepted shares of %s", worker).isTrue();
            }
        }
    }

    private static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " not in " + line);
    }
}
