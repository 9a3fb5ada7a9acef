package org.jckpool.stratifier.work;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.bitcoin.Target;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The params of the generator's {@code upstream.work} message (proxy mode), decoded: which upstream connection,
 * its extranonce1 and extranonce2 size, difficulty and version mask, and the upstream's mining.notify.
 * {@code switched}: the scheduling proxy moved to this upstream; miners get it clean, but the jobs of the upstream
 * before stay valid (their shares still go there within the generator's grace period).
 */
public record UpstreamWork(int upstream, String url, long generation, byte[] extranonce1, int extranonce2Size,
                           double difficulty, int versionMask, boolean clean, String jobId, byte[] prevHash,
                           byte[] coinb1, byte[] coinb2, List<byte[]> branch, int version, long bits, long ntime,
                           boolean switched) {

    public static UpstreamWork parse(JsonNode p) {
        JsonNode n = p.path("notify");
        if (!n.isArray() || n.size() < 9) {
            throw new TemplateException("upstream.work has no notify of 9 params");
        }
        try {
            List<byte[]> branch = new ArrayList<>();
            for (JsonNode b : n.get(4)) {
                byte[] h = Hex.decode(b.asText());
                if (h.length != 32) {
                    throw new TemplateException("merkle branch entry is not 32 bytes");
                }
                branch.add(h);
            }
            String en1 = p.path("extranonce1").asText("");
            return new UpstreamWork(p.path("upstream").asInt(-1), p.path("url").asText(""),
                    p.path("generation").asLong(-1), Hex.decode(en1), p.path("extranonce2_size").asInt(-1),
                    p.path("difficulty").asDouble(1), (int) Long.parseLong(p.path("version_mask").asText("0"), 16),
                    p.path("clean").asBoolean(false) || n.get(8).asBoolean(false), n.get(0).asText(),
                    StratumEncoding.parsePrevHash(n.get(1).asText()), Hex.decode(n.get(2).asText()),
                    Hex.decode(n.get(3).asText()), List.copyOf(branch),
                    (int) StratumEncoding.parseHex32(n.get(5).asText()), StratumEncoding.parseHex32(n.get(6).asText()),
                    StratumEncoding.parseHex32(n.get(7).asText()), p.path("switch").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new TemplateException("upstream.work: " + e.getMessage());
        }
    }

    /** A template-shaped view for the shared share checks: no transactions, no value, height from BIP34. */
    public Template asTemplate() {
        BigInteger target = Target.fromCompact(bits);
        return new Template(bip34Height(coinb1), version, prevHash, bits, ntime, 0, 0, List.of(), "", 0, null,
                target);
    }

    /** The block height pushed first in the coinbase's scriptSig (BIP34), or 0 when it cannot be read. */
    static long bip34Height(byte[] coinb1) {
        // version(4) input count(1) prevout(36) script length(1) then the height push
        int at = 4 + 1 + 36 + 1;
        if (coinb1.length <= at || coinb1[4] != 1) {
            return 0;
        }
        int len = coinb1[at] & 0xff;
        if (len >= 0x51 && len <= 0x60) {
            return len - 0x50;
        }
        if (len < 1 || len > 8 || coinb1.length < at + 1 + len) {
            return 0;
        }
        long h = 0;
        for (int i = len - 1; i >= 0; i--) {
            h = (h << 8) | (coinb1[at + 1 + i] & 0xff);
        }
        return h;
    }
}
