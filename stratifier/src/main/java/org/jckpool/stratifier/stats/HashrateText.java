package org.jckpool.stratifier.stats;

import java.math.BigDecimal;
import java.math.MathContext;

/** ckpool's hashrate strings ("1.23T", "456G", "512"): three significant digits plus an SI suffix. */
public final class HashrateText {
    private static final String SUFFIXES = "KMGTPE";

    private HashrateText() {
    }

    public static String format(double hashesPerSecond) {
        if (!(hashesPerSecond >= 1000)) {
            return Long.toString(hashesPerSecond > 0 ? (long) hashesPerSecond : 0);
        }
        double v = hashesPerSecond;
        int idx = -1;
        while (v >= 1000 && idx < SUFFIXES.length() - 1) {
            v /= 1000;
            idx++;
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros();
        return d.toPlainString() + SUFFIXES.charAt(idx);
    }

    /** Inverse of {@link #format}; unknown text gives 0 (ckpool's dsps_from_key behaves the same). */
    public static double parse(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        char last = Character.toUpperCase(text.charAt(text.length() - 1));
        int idx = SUFFIXES.indexOf(last);
        String number = idx >= 0 ? text.substring(0, text.length() - 1) : text;
        try {
            double v = Double.parseDouble(number);
            for (int i = 0; i <= idx; i++) {
                v *= 1000;
            }
            return v;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
