package org.jckpool.stratifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.stats.HashrateText;
import org.jckpool.webapi.view.PoolSummary;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The one-line status the stratifier prints each second (unless -q). */
public final class ConsoleStatus {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private ConsoleStatus() {
    }

    public static String line(PoolSummary s, boolean connector, boolean generator) {
        return head(s) + String.format(" | blocks %d", s.blocksFound()) + links(connector, generator);
    }

    /**
     * Proxy modes: blocks are the upstream pool's to submit, so the tail names the upstream miners work for, its
     * share difficulty and the fate of the shares forwarded to it ({@code upstreams}: the stratifier's upstreams
     * JSON, the generator's upstream.status plus "forwarding").
     */
    public static String proxyLine(PoolSummary s, JsonNode upstreams, boolean connector, boolean generator) {
        StringBuilder b = new StringBuilder(head(s));
        JsonNode active = activeUpstream(upstreams);
        if (active == null) {
            b.append(" | no upstream alive");
        } else {
            b.append(String.format(" | upstream %d %s diff %.6g", active.path("index").asInt(),
                    active.path("url").asText("?"), active.path("difficulty").asDouble(0)));
        }
        JsonNode f = upstreams.path("forwarding");
        b.append(String.format(" | forwarded %d accepted %d rejected %d", f.path("forwarded").asLong(0),
                f.path("accepted").asLong(0), f.path("rejected").asLong(0)));
        return b + links(connector, generator);
    }

    private static JsonNode activeUpstream(JsonNode upstreams) {
        if (!upstreams.path("active").isInt()) {
            return null;
        }
        int index = upstreams.path("active").asInt();
        for (JsonNode u : upstreams.path("upstreams")) {
            if (u.path("index").asInt(-1) == index) {
                return u;
            }
        }
        return null;
    }

    private static String head(PoolSummary s) {
        return String.format("[%s] stratifier: hashrate 1m %s 5m %s | clients %d users %d workers %d | shares %d acc"
                        + " %d rej | best %.6g | height %d diff %.6g",
                LocalTime.now().format(TIME), HashrateText.format(s.hashrate().m1()),
                HashrateText.format(s.hashrate().m5()), s.clients(), s.users(), s.workers(), s.shares().accepted(),
                s.shares().rejected(), s.bestShare(), s.network().height(), s.network().difficulty());
    }

    private static String links(boolean connector, boolean generator) {
        return (connector ? "" : " | no connector") + (generator ? "" : " | no generator");
    }

    public static void print(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
