package org.jckpool.simnode.notify;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jckpool.libpool.log.Log;

/**
 * Core's {@code -blocknotify}: runs the command through {@code /bin/sh -c} with every {@code %s} replaced by the
 * new tip's hash, on its own thread so a slow command never blocks the node.
 */
public final class BlockNotifyCommand implements TipListener {
    private final String template;

    public BlockNotifyCommand(String template) {
        this.template = template;
    }

    @Override
    public void newTip(String rpcHash, long height) {
        String command = template.replace("%s", rpcHash);
        Thread thread = new Thread(() -> run(command), "simnode-blocknotify");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(String command) {
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                Log.warning("blocknotify command still running after 60 s: %s", command);
                return;
            }
            if (process.exitValue() != 0) {
                Log.warning("blocknotify command exited with %s: %s", process.exitValue(), command);
            }
        } catch (IOException e) {
            Log.warning("blocknotify command failed to start: %s: %s", command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
