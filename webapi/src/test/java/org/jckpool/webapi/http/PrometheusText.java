package org.jckpool.webapi.http;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Prometheus text exposition into "name{a=\"x\",b=\"y\"}" (labels sorted) → value, failing on bad lines. */
final class PrometheusText {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private PrometheusText() {
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            samples.put(key(m.group(1), m.group(2)), parseValue(m.group(3)));
        }
        return samples;
    }

    static String key(String name, String labelText) {
        if (labelText == null || labelText.isEmpty()) {
            return name;
        }
        Map<String, String> labels = new TreeMap<>();
        Matcher m = LABEL.matcher(labelText);
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new AssertionError("bad labels: " + labelText);
            }
            labels.put(m.group(1), m.group(2));
            end = m.end();
        }
        if (end != labelText.length()) {
            throw new AssertionError("bad labels: " + labelText);
        }
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private static double parseValue(String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                return Double.parseDouble(text);
        }
    }
}
