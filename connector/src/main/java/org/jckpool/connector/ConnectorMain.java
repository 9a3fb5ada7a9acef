package org.jckpool.connector;

import org.jckpool.libpool.process.ChildRuntime;

/** The connector child process: started by the listener (ckpool), see {@link ChildRuntime}. */
public final class ConnectorMain {
    private ConnectorMain() {
    }

    public static void main(String[] args) {
        ChildRuntime.run("connector", args, rt -> {
        });
    }
}
