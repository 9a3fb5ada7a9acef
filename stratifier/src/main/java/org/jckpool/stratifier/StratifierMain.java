package org.jckpool.stratifier;

import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.stratifier.process.StratifierProcess;

/**
 * The stratifier child process: started by the listener (ckpool), see {@link ChildRuntime}. With {@code -P} it is
 * the passthrough relay instead of the pool's engine.
 */
public final class StratifierMain {
    private StratifierMain() {
    }

    public static void main(String[] args) {
        ChildRuntime.run("stratifier", args, rt -> {
            if (rt.args().passthrough()) { // -R too: a redirector is a passthrough
                org.jckpool.stratifier.passthrough.PassthroughRelay.setup(rt);
            } else {
                StratifierProcess.setup(rt);
            }
        });
    }
}
