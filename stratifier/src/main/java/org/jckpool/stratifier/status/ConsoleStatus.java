package org.jckpool.stratifier.status;

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
        return String.format("[%s] stratifier: hashrate 1m %s 5m %s | clients %d users %d workers %d | shares %d acc %d rej"
                        + " | best %.6g | height %d diff %.6g | blocks %d%s%s",
                LocalTime.now().format(TIME), HashrateText.format(s.hashrate().m1()),
                HashrateText.format(s.hashrate().m5()), s.clients(), s.users(), s.workers(), s.shares().accepted(),
                s.shares().rejected(), s.bestShare(), s.network().height(),
                s.network().difficulty(), s.blocksFound(),
                connector ? "" : " | no connector", generator ? "" : " | no generator");
    }

    public static void print(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
