package org.jckpool.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process whose stdout lines are collected as they arrive (stderr goes to a file), so that a test can wait for
 * an event line while the process keeps running. Stopped by {@link PoolProcesses#close} like every other process.
 */
final class LineProcess {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final Thread reader;

    LineProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "lines-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    arrivals.add(System.currentTimeMillis());
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended or was killed: the lines so far stay
        }
    }

    long pid() {
        return process.pid();
    }

    /** The first of {@code out} that starts with {@code prefix}; an AssertionError showing them all when none. */
    static String first(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + "line\n" + String.join("\n", out)));
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** When the first line starting with {@code prefix} was read (epoch ms), or -1. */
    long arrivalOf(String prefix) {
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return arrivals.get(i);
                }
            }
            return -1;
        }
    }

    /** When the first line from index {@code from} starting with {@code prefix} was read (epoch ms), or -1. */
    long arrivalAfter(int from, String prefix) {
        synchronized (lines) {
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return arrivals.get(i);
                }
            }
            return -1;
        }
    }

    /** When line {@code i} was read (epoch ms). */
    long arrivalAt(int i) {
        synchronized (lines) {
            return arrivals.get(i);
        }
    }

    String output() {
        return String.join("\n", lines());
    }

    /** The first line (from index {@code from}) matching, waiting up to {@code timeoutMs}. */
    Optional<String> awaitLine(int from, Predicate<String> match, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (lines) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        return Optional.of(lines.get(i));
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return Optional.empty();
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    /** Sends a signal by name (STOP, CONT, TERM) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to end and for its output to be read; -1 when it did not end in time. */
    int awaitExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        reader.join(5_000);
        return process.exitValue();
    }
}
