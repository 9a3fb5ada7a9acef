package org.jckpool.testminer.stratum;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;
import org.jckpool.libpool.bitcoin.StratumEncoding;

/**
 * The four fields of a {@code mining.notify} that the load mode's fake submits need (job id, prevhash, ntime,
 * clean_jobs), read with Jackson's streaming parser: thousands of connections get every block's notify at
 * once, and a tree per line would make the load generator, not the pool, the slow part of the fan-out figure.
 * Anything that is not a well-formed notify gives null (the caller takes the general path).
 */
public record QuickNotify(String jobId, String prevHash, long ntime, boolean clean) {
    private static final JsonFactory JSON = StratumMessage.MAPPER.getFactory();

    public static QuickNotify parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            return read(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static QuickNotify read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        boolean isNotify = false;
        QuickNotify fields = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("method".equals(name)) {
                isNotify = v == JsonToken.VALUE_STRING && "mining.notify".equals(p.getText());
                if (!isNotify) {
                    return null;
                }
            } else if ("params".equals(name)) {
                if (v != JsonToken.START_ARRAY || (fields = readParams(p)) == null) {
                    return null;
                }
            } else {
                p.skipChildren();
            }
        }
        return isNotify && p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null ? fields : null;
    }

    /** [job_id, prevhash, coinb1, coinb2, [branches], version, nbits, ntime, clean_jobs]; parser at the '['. */
    private static QuickNotify readParams(JsonParser p) throws IOException {
        String jobId = null;
        String prev = null;
        String ntimeHex = null;
        Boolean clean = null;
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                return null;
            }
            switch (i) {
                case 0 -> jobId = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case 1 -> prev = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case 4 -> {
                    if (t != JsonToken.START_ARRAY) {
                        return null;
                    }
                    p.skipChildren();
                }
                case 7 -> ntimeHex = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case 8 -> clean = t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE ? t == JsonToken.VALUE_TRUE : null;
                default -> p.skipChildren();
            }
            i++;
        }
        if (i < 9 || jobId == null || prev == null || prev.length() != 64 || ntimeHex == null || clean == null) {
            return null;
        }
        long ntime;
        try {
            ntime = StratumEncoding.parseHex32(ntimeHex);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new QuickNotify(jobId, prev.toLowerCase(Locale.ROOT), ntime, clean);
    }
}
