package org.jckpool.testminer;

import org.jckpool.testminer.options.TestMinerOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jckpool.testminer.load.LoadMode;
import org.jckpool.testminer.mining.MiningMode;
import org.jckpool.testminer.mining.StopSignal;
import org.jckpool.testminer.output.MinerOutput;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of scripts/testminer. Exit codes: 0 clean stop (duration, max-shares, signal), 1 pool unreachable
 * (--max-retries) or load run failed, 2 bad command line, 3 authorization refused.
 */
public final class TestMinerMain {
    private TestMinerMain() {
    }

    public static void main(String[] args) {
        StopSignal stop = new StopSignal();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.stop("signal", 0);
            try {
                // Let the run print its summary; then make the exit status 0 (a requested stop is a clean stop).
                if (finished.await(5, TimeUnit.SECONDS)) {
                    System.out.flush();
                    Runtime.getRuntime().halt(0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "testminer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(args, MinerOutput.standard(), stop);
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down on a signal: the hook ends the JVM
            return;
        }
        System.exit(code);
    }

    /** Parses args and runs mining or load mode until stopped; returns the exit code. Used by tests too. */
    public static int run(String[] args, MinerOutput out, StopSignal stop) {
        TestMinerOptions opt = new TestMinerOptions();
        CommandLine cl = new CommandLine(opt);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            out.log("%s", e.getMessage());
            out.log("try --help");
            return 2;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(System.out);
            return 0;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(System.out);
            return 0;
        }
        String problem = opt.validate();
        if (problem == null) {
            try {
                org.jckpool.testminer.stratum.PoolAddress.parse(opt.url);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            out.log("%s", problem);
            return 2;
        }
        try {
            return opt.load ? new LoadMode(opt, out, stop).run() : new MiningMode(opt, out, stop).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
