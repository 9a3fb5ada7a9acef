package org.jckpool.testminer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.jckpool.testkit.Await;
import org.jckpool.testminer.output.MinerOutput;

/** Captures the miner's event lines (and diagnostics) for assertions. */
public final class RecordingOutput {
    public final List<String> events = new CopyOnWriteArrayList<>();
    public final List<String> diagnostics = new CopyOnWriteArrayList<>();
    public final MinerOutput output = new MinerOutput(events::add, diagnostics::add);

    public List<String> lines(String keyword) {
        return events.stream().filter(l -> l.equals(keyword) || l.startsWith(keyword + " ")).toList();
    }

    public String line(String keyword) {
        List<String> l = lines(keyword);
        if (l.isEmpty()) {
            throw new AssertionError("no " + keyword + " line in " + events + " / " + diagnostics);
        }
        return l.get(l.size() - 1);
    }

    /** Waits until a line matches; fails after the timeout. */
    public String await(Predicate<String> match, long millis) throws Exception {
        if (!Await.within(millis, () -> events.stream().anyMatch(match))) {
            throw new AssertionError("timed out waiting for a line; got " + events + " / " + diagnostics);
        }
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    public String await(String prefix, long millis) throws Exception {
        return await(l -> l.startsWith(prefix), millis);
    }

    /** Value of key=value in a line. */
    public static String value(String line, String key) {
        for (String tok : line.split(" ")) {
            if (tok.startsWith(key + "=")) {
                return tok.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + "= in " + line);
    }
}
