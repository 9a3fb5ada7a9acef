package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.log.Log;

/**
 * Stops one child: asks it to shut down over its control socket, then TERM, then KILL. A child whose socket does not
 * answer (for example one still starting) gets TERM at once.
 */
final class ChildStopper {
    private ChildStopper() {
    }

    static void stop(ManagedChild c, Path sockdir) {
        c.stopping = true;
        Process p = c.proc;
        if (p == null || !p.isAlive()) {
            return;
        }
        boolean asked = false;
        try {
            ControlClient.request(c.controlSocket(sockdir), "shutdown", Supervisor.CONTROL_TIMEOUT_MS);
            asked = true;
        } catch (IOException e) {
            Log.info("%s did not take the shutdown request (%s), sending TERM", c.process, e.getMessage());
            p.destroy();
        }
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                if (asked) {
                    Log.warning("%s (pid %d) still running, sending TERM", c.process, p.pid());
                    p.destroy();
                }
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    Log.warning("%s (pid %d) still running, killing it", c.process, p.pid());
                    p.destroyForcibly();
                    p.waitFor(3, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Log.notice("Stopped %s", c.process);
    }
}
