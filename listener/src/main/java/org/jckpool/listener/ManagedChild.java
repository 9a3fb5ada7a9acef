package org.jckpool.listener;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One child process slot of the suite: its name and main class, the running process, and its restart record. */
final class ManagedChild {
    final String process;
    final String mainClass;
    final RestartPolicy policy;
    final AtomicInteger restarts = new AtomicInteger();
    volatile Process proc;
    volatile Instant started;
    /** Set while the supervisor itself stops this child, so its exit is not treated as a crash. */
    volatile boolean stopping;
    /** Where its control socket answers after it released its path to a new instance (handover); else null. */
    volatile Path movedSocket;

    ManagedChild(String process, String mainClass, RestartPolicy policy) {
        this.process = process;
        this.mainClass = mainClass;
        this.policy = policy;
    }

    boolean alive() {
        Process p = proc;
        return p != null && p.isAlive();
    }

    long pid() {
        Process p = proc;
        return p == null ? -1 : p.pid();
    }

    Duration uptime() {
        Instant s = started;
        return s == null ? Duration.ZERO : Duration.between(s, Instant.now());
    }

    /** Its control socket: {@code <sockdir>/<process>}, or where it moved it for a handover. */
    Path controlSocket(Path sockdir) {
        Path moved = movedSocket;
        return moved != null ? moved : sockdir.resolve(process);
    }

    static ManagedChild named(List<ManagedChild> children, String process) {
        for (ManagedChild c : children) {
            if (c.process.equals(process)) {
                return c;
            }
        }
        throw new IllegalArgumentException(process);
    }
}
