package org.jckpool.stratifier.engine;

import org.jckpool.libpool.log.Log;
import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.session.Replies;
import org.jckpool.libpool.stratum.StratumMessage;
import org.jckpool.stratifier.session.VersionRolling;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a miner asks of its connection: {@code mining.configure} (version rolling, minimum difficulty,
 * subscribe-extranonce) and {@code mining.suggest_difficulty}. A difficulty that changes goes out at once with the
 * current work. Called under the session's monitor.
 */
final class ConfigureNegotiation {

    private final EngineConfig config;
    private final ClientOutbound out;
    private final InstantSource clock;
    private final WorkDistribution work;
    private final AtomicLong stateChanges;

    ConfigureNegotiation(EngineConfig config, ClientOutbound out, InstantSource clock, WorkDistribution work,
                         AtomicLong stateChanges) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        this.work = work;
        this.stateChanges = stateChanges;
    }

    void configure(ClientSession s, StratumMessage req) {
        long now = clock.millis();
        Object names = req.param(0);
        Object opts = req.param(1);
        JsonNode options = opts instanceof JsonNode n && n.isObject() ? n : null;
        if (!(names instanceof JsonNode list) || !list.isArray()) {
            out.send(s.clientId, Replies.error(req.idJson(), "null", 20, "Invalid configure parameters"));
            return;
        }
        StringBuilder result = new StringBuilder("{");
        Set<String> done = new HashSet<>();
        boolean diffChanged = false;
        for (JsonNode n : list) {
            String ext = n.asText("");
            if (!done.add(ext)) {
                continue;
            }
            if (result.length() > 1) {
                result.append(',');
            }
            switch (ext) {
                case "version-rolling" -> versionRolling(s, options, result);
                case "minimum-difficulty" -> {
                    double v = options == null ? 0 : options.path("minimum-difficulty.value").asDouble(0);
                    if (v > 0) {
                        double d = s.vardiff().suggest(v, true, work.networkDiff(), now);
                        diffChanged |= !Double.isNaN(d);
                        result.append("\"minimum-difficulty\":true");
                    } else {
                        result.append("\"minimum-difficulty\":false");
                    }
                }
                case "subscribe-extranonce" -> {
                    s.extranonceSubscribed(true);
                    result.append("\"subscribe-extranonce\":true");
                }
                default -> result.append(Replies.quote(ext)).append(":false");
            }
        }
        stateChanges.incrementAndGet();
        out.send(s.clientId, Replies.result(req.idJson(), result.append('}').toString()));
        if (diffChanged) {
            work.difficultyChanged(s);
        }
    }

    /** BIP 310 version rolling: the miner's mask (all bits if it names none) within the pool's and upstream's. */
    private void versionRolling(ClientSession s, JsonNode options, StringBuilder result) {
        int minerMask = 0xffffffff;
        int minBits = 0;
        boolean ok = true;
        if (options != null && options.has("version-rolling.mask")) {
            String m = options.get("version-rolling.mask").asText("");
            try {
                minerMask = (int) Long.parseLong(m, 16);
                ok = m.length() <= 8;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (options != null && options.has("version-rolling.min-bit-count")) {
            minBits = options.get("version-rolling.min-bit-count").asInt(0);
        }
        int mask = VersionRolling.negotiate(config.versionMask() & work.upstreamVersionMask(), minerMask);
        if (!ok || mask == 0) {
            s.versionMask(0);
            result.append("\"version-rolling\":false");
        } else {
            s.versionMask(mask);
            if (!VersionRolling.enoughBits(mask, minBits)) {
                Log.info("client %s wants %s version bits, mask %s has fewer",
                        s.clientId, minBits, String.format("%08x", mask));
            }
            result.append("\"version-rolling\":true,\"version-rolling.mask\":\"")
                    .append(String.format("%08x", mask)).append('"');
        }
    }

    void suggestDifficulty(ClientSession s, StratumMessage req) {
        Object p = req.param(0);
        double v = p instanceof Number n ? n.doubleValue() : Double.NaN;
        if (p instanceof String str) {
            try {
                v = Double.parseDouble(str);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            out.send(s.clientId, Replies.error(req.idJson(), "false", 20, "Invalid difficulty"));
            return;
        }
        out.send(s.clientId, Replies.ok(req.idJson()));
        stateChanges.incrementAndGet();
        double d = s.vardiff().suggest(v, false, work.networkDiff(), clock.millis());
        if (!Double.isNaN(d)) {
            work.difficultyChanged(s);
        }
    }
}
