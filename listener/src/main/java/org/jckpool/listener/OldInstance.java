package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.PidFile;

/**
 * An instance of the same name already running at start: refused, unless -k, which TERMs it and its children, waits,
 * and KILLs what does not stop.
 */
final class OldInstance {
    private OldInstance() {
    }

    static void replace(SuiteSettings settings, Path mainPid) throws IOException {
        Optional<ProcessHandle> old = PidFile.liveProcess(mainPid);
        if (old.isEmpty()) {
            return;
        }
        long pid = old.get().pid();
        if (!settings.killOld()) {
            throw new IOException("an instance named " + settings.name() + " is already running as pid " + pid
                    + " (" + mainPid + "); use -k to replace it");
        }
        Log.warning("Killing old instance %s pid %d", settings.name(), pid);
        terminate(old.get(), Duration.ofSeconds(10));
        for (String p : Supervisor.PROCESSES) {
            PidFile.liveProcess(settings.sockdir().resolve(p + ".pid"))
                    .ifPresent(h -> terminate(h, Duration.ofSeconds(5)));
        }
    }

    private static void terminate(ProcessHandle h, Duration patience) {
        h.destroy();
        try {
            h.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Log.warning("Process %d did not stop on TERM, killing it", h.pid());
            h.destroyForcibly();
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                Log.err("Process %d survived KILL", h.pid());
            }
        }
    }
}
