package org.jckpool.testminer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jckpool.testminer.mining.StopSignal;

/** Runs TestMinerMain.run on a background thread, as a test's miner process. */
public final class MinerRun implements AutoCloseable {
    public final RecordingOutput out = new RecordingOutput();
    public final StopSignal stop = new StopSignal();
    private final CompletableFuture<Integer> exit;

    public MinerRun(String... args) {
        exit = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                exit.complete(TestMinerMain.run(args, out.output, stop));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        }, "miner-under-test");
        t.setDaemon(true);
        t.start();
    }

    public int exitCode(long seconds) throws Exception {
        return exit.get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        stop.stop("test over", 0);
        exit.get(15, TimeUnit.SECONDS);
    }
}
