package org.jckpool.stratifier;

import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.stratifier.process.StratifierProcess;

/** The stratifier child process: started by the listener (ckpool), see {@link ChildRuntime}. */
public final class StratifierMain {
    private StratifierMain() {
    }

    public static void main(String[] args) {
        ChildRuntime.run("stratifier", args, StratifierProcess::setup);
    }
}
