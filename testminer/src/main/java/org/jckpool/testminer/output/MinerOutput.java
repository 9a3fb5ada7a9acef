package org.jckpool.testminer.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where the miner reports. Machine-readable event lines (upper-case keyword first, e.g. {@code ACCEPTED 3 diff
 * 0.001}) go to one sink, stdout by default, so that tests and scripts can grep them; human diagnostics go to
 * another, stderr by default.
 */
public final class MinerOutput {
    private final Consumer<String> events;
    private final Consumer<String> diagnostics;

    public MinerOutput(Consumer<String> events, Consumer<String> diagnostics) {
        this.events = events;
        this.diagnostics = diagnostics;
    }

    public static MinerOutput standard() {
        return of(System.out, System.err);
    }

    public static MinerOutput of(PrintStream events, PrintStream diagnostics) {
        return new MinerOutput(line -> {
            synchronized (events) {
                events.println(line);
                events.flush();
            }
        }, line -> {
            synchronized (diagnostics) {
                diagnostics.println(line);
                diagnostics.flush();
            }
        });
    }

    /** One machine-readable line. */
    public void event(String line) {
        events.accept(line);
    }

    public void event(String format, Object... args) {
        events.accept(String.format(Locale.ROOT, format, args));
    }

    /** A diagnostic for people (connection trouble, malformed input, …). */
    public void log(String format, Object... args) {
        diagnostics.accept("testminer: " + String.format(Locale.ROOT, format, args));
    }

    /** A number in its shortest round-tripping form (0.001, 1, 1.5E-7), as pools send it. */
    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
