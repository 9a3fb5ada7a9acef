package org.jckpool.testminer.load;

import java.util.concurrent.TimeUnit;
import org.jckpool.testminer.MinerRun;

/**
 * Benchmark main, not a unit test: load mode with many connections (default 5000) against the in-process NIO
 * responder, one block change in the middle; prints the LOAD_* summary.
 * Usage: LoadScaleCheck [connections] [rate] [seconds]
 */
public final class LoadScaleCheck {
    private LoadScaleCheck() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        String rate = args.length > 1 ? args[1] : "2000";
        String seconds = args.length > 2 ? args[2] : "4";
        try (NioStratumResponder pool = new NioStratumResponder(0)) {
            Thread t = new Thread(pool, "responder");
            t.setDaemon(true);
            t.start();
            MinerRun run = new MinerRun("--load", "-o", "127.0.0.1:" + pool.port(), "--connections",
                    String.valueOf(connections), "--rate", rate, "--duration", seconds, "--status-interval", "1");
            run.out.await("LOAD_READY", 120_000);
            Thread.sleep(TimeUnit.SECONDS.toMillis(1));
            pool.broadcastClean("00000000" + "33".repeat(28));
            int code = run.exitCode(120);
            run.out.events.forEach(System.out::println);
            run.out.diagnostics.forEach(System.err::println);
            System.out.println("exit " + code);
        }
    }
}
