package org.jckpool.suite.process;

import java.io.IOException;
import java.io.InputStream;

import org.jckpool.libpool.log.Log;

/**
 * Makes a child process exit when its supervisor is gone. The supervisor keeps the write end of the child's stdin
 * pipe open and never writes; the kernel closes it when the supervisor dies for any reason (even SIGKILL), so the
 * child's read returns EOF and the child shuts down. No child outlives its supervisor.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    /** Starts a daemon thread that runs {@code onParentGone} when {@code in} reaches EOF or fails. */
    public static Thread start(InputStream in, Runnable onParentGone) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // the supervisor never writes; ignore anything that arrives
                }
            } catch (IOException e) {
                Log.debug("stdin read failed: %s", e.getMessage());
            }
            Log.warning("Supervisor gone (stdin closed), shutting down");
            onParentGone.run();
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
