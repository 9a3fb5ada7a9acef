package org.jckpool.generator;

import org.jckpool.libpool.process.ChildRuntime;

/** The generator child process: started by the listener (ckpool), see {@link ChildRuntime}. */
public final class GeneratorMain {
    private GeneratorMain() {
    }

    public static void main(String[] args) {
        ChildRuntime.run("generator", args, rt -> {
        });
    }
}
