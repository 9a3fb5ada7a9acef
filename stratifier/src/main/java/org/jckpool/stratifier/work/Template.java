package org.jckpool.stratifier.work;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a getblocktemplate result that work is built from, converted to internal byte order.
 *
 * @param txids        transaction ids without the coinbase, internal order, template order
 * @param txData       raw transactions (witness form) as hex, template order, concatenated for the block body
 * @param witnessCommitment the {@code default_witness_commitment} output script, or null (no segwit)
 */
public record Template(long height, int version, byte[] prevHash, long bits, long curtime, long mintime,
                       long coinbaseValue, List<byte[]> txids, String txData, int txCount,
                       byte[] witnessCommitment, BigInteger networkTarget) {

    /** Parses and checks a template; throws {@link TemplateException} naming the offending field. */
    public static Template parse(JsonNode t) {
        if (t == null || !t.isObject()) {
            throw new TemplateException("template is not a JSON object");
        }
        long height = requireLong(t, "height");
        if (height < 1) {
            throw new TemplateException("height " + height + " is below 1");
        }
        int version = (int) requireLong(t, "version");
        byte[] prev = hash(t, "previousblockhash");
        String bitsText = requireText(t, "bits");
        long bits;
        try {
            bits = Long.parseLong(bitsText, 16);
        } catch (NumberFormatException e) {
            throw new TemplateException("bits '" + bitsText + "' is not hex");
        }
        if (bitsText.length() != 8) {
            throw new TemplateException("bits '" + bitsText + "' is not 8 hex digits");
        }
        BigInteger target = Target.fromCompact(bits);
        if (target.signum() <= 0) {
            throw new TemplateException("bits '" + bitsText + "' give no valid target");
        }
        long curtime = requireLong(t, "curtime");
        long mintime = t.has("mintime") ? t.get("mintime").asLong() : 0;
        long value = requireLong(t, "coinbasevalue");
        if (value < 0) {
            throw new TemplateException("coinbasevalue " + value + " is negative");
        }
        JsonNode txs = t.path("transactions");
        if (!txs.isMissingNode() && !txs.isArray()) {
            throw new TemplateException("transactions is not an array");
        }
        List<byte[]> txids = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        int i = 0;
        for (JsonNode tx : txs) {
            txids.add(hash(tx, "txid", "transactions[" + i + "].txid"));
            String d = tx.path("data").asText("");
            if (d.isEmpty() || (d.length() & 1) != 0 || !Hex.isHex(d)) {
                throw new TemplateException("transactions[" + i + "].data is not hex");
            }
            data.append(d);
            i++;
        }
        byte[] commitment = null;
        JsonNode dwc = t.get("default_witness_commitment");
        if (dwc != null && !dwc.isNull()) {
            String hex = dwc.asText();
            if (!Hex.isHex(hex) || (hex.length() & 1) != 0 || !hex.startsWith("6a24aa21a9ed") || hex.length() != 76) {
                throw new TemplateException("default_witness_commitment '" + hex + "' is not a commitment script");
            }
            commitment = Hex.decode(hex);
        }
        return new Template(height, version, prev, bits, curtime, mintime, value, List.copyOf(txids),
                data.toString(), i, commitment, target);
    }

    private static long requireLong(JsonNode t, String key) {
        JsonNode v = t.get(key);
        if (v == null || !v.canConvertToLong()) {
            throw new TemplateException(key + " is missing or not an integer");
        }
        return v.asLong();
    }

    private static String requireText(JsonNode t, String key) {
        JsonNode v = t.get(key);
        if (v == null || !v.isTextual()) {
            throw new TemplateException(key + " is missing or not a string");
        }
        return v.asText();
    }

    private static byte[] hash(JsonNode t, String key) {
        return hash(t, key, key);
    }

    private static byte[] hash(JsonNode t, String key, String label) {
        JsonNode v = t.get(key);
        String s = v == null ? "" : v.asText("");
        if (s.length() != 64 || !Hex.isHex(s)) {
            throw new TemplateException(label + " '" + s + "' is not a 64-digit hash");
        }
        return Hex.fromRpc(s);
    }
}
