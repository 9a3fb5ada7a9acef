package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A jckpool passthrough ({@code ckpool -P}, instance {@code pt}) started in front of an upstream pool and ready to
 * take miners: its stratifier linked upstream, its connector streaming to it and admitting clients.
 */
final class PassthroughInFront {
    final int stratumPort;
    final Path logdir;
    final Path sockdir;

    private PassthroughInFront(int stratumPort, Path logdir, Path sockdir) {
        this.stratumPort = stratumPort;
        this.logdir = logdir;
        this.sockdir = sockdir;
    }

    /**
     * @param extraConfig further members of the passthrough's config, e.g. {@code "upstream_timeout":30}. ckpool's
     *                    passthrough takes its upstream from "proxy"; no btcd, no btcaddress; -P serves HTTP too,
     *                    so httpbind is off (not on 3380 here)
     */
    static PassthroughInFront start(Path dir, PoolProcesses pt, int upstreamPort, String extraConfig)
            throws Exception {
        int stratum = MiningSuite.freePort();
        Path logdir = dir.resolve("logs-pt");
        Path conf = dir.resolve("pt.conf");
        Files.writeString(conf, "{\"proxy\":[{\"url\":\"127.0.0.1:" + upstreamPort + "\",\"auth\":\"x\","
                + "\"pass\":\"x\"}],\"serverurl\":[\"127.0.0.1:" + stratum + "\"],\"logdir\":\"" + logdir
                + "\"," + extraConfig + ",\"httpbind\":\"\"}\n");
        pt.startPool("pt", conf, Map.of(), "-P");
        PassthroughInFront p = new PassthroughInFront(stratum, logdir, pt.sockdir("pt"));
        assertThat(Await.within(60_000, () -> {
            JsonNode s = ProxyIT.request(p.sockdir.resolve("stratifier"), "{\"method\":\"stats\"}");
            JsonNode c = ProxyIT.request(p.sockdir.resolve("connector"), "{\"method\":\"stats\"}");
            return s != null && s.path("upstream").path("connected").asBoolean()
                    && s.path("connector_connected").asBoolean() && c != null && c.path("admitting").asBoolean();
        })).as("passthrough ready; log:\n%s", p.log()).isTrue();
        return p;
    }

    /** The passthrough's log so far (for failure messages). */
    String log() {
        try {
            Path p = logdir.resolve("pt.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
