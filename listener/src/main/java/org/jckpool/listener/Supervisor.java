package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.process.ChildRuntime;
import org.jckpool.libpool.process.PidFile;
import org.jckpool.libpool.process.SocketDirs;

/**
 * The listener process: writes {@code <sockdir>/main.pid}, serves the admin socket {@code <sockdir>/listener},
 * starts generator, stratifier and connector (spawned in that order, all at once: a process that needs another's
 * socket must retry until it answers; the supervisor then waits for all three sockets),
 * restarts a child that dies (with back-off) and stops the suite when one keeps dying. Stops the children in the
 * reverse order (connector, stratifier, generator) on shutdown, SIGTERM or SIGINT, and removes sockets and pid
 * files.
 */
final class Supervisor {
    static final List<String> PROCESSES = List.of("generator", "stratifier", "connector");
    static final int MAX_DEATHS = 5;
    static final Duration DEATH_WINDOW = Duration.ofSeconds(60);
    private static final long CONTROL_TIMEOUT_MS = 2_000;
    private static final long CHILD_SOCKET_WAIT_MS = 30_000;

    private final SuiteSettings settings;
    private final ChildLauncher launcher;
    private final List<ManagedChild> children;
    private final CommandTable commands = new CommandTable();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "supervisor");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Instant started = Instant.now();
    private final Object lifecycle = new Object();
    private volatile boolean stopping;
    private volatile int exitCode;
    private ControlServer admin;

    Supervisor(SuiteSettings settings, ChildLauncher launcher) {
        this.settings = settings;
        this.launcher = launcher;
        this.children = List.of(
                new ManagedChild("generator", "org.jckpool.generator.GeneratorMain", policy()),
                new ManagedChild("stratifier", "org.jckpool.stratifier.StratifierMain", policy()),
                new ManagedChild("connector", "org.jckpool.connector.ConnectorMain", policy()));
        commands.text("ping", r -> "pong");
        commands.text("shutdown", r -> {
            Log.notice("Listener received shutdown request");
            stopAsync(0);
            return "exiting";
        });
        commands.text("loglevel", this::setLogLevel);
        commands.text("restart", r -> {
            Log.notice("Listener received restart request");
            scheduler.execute(this::restartChildren);
            return "restarting";
        });
        commands.text("update", this::forwardToStratifier);
        commands.text("reconnect", this::forwardToStratifier);
        commands.json("stats", p -> stats());
        commands.json("restarts", p -> restarts());
        commands.json("upstreams", p -> upstreams());
    }

    private static RestartPolicy policy() {
        return new RestartPolicy(MAX_DEATHS, DEATH_WINDOW);
    }

    Path sockdir() {
        return settings.sockdir();
    }

    Path mainPid() {
        return sockdir().resolve("main.pid");
    }

    /** Runs the suite until shutdown; returns the exit status. */
    int run() throws IOException, InterruptedException {
        SocketDirs.ensure(sockdir());
        replaceOldInstance();
        PidFile.write(mainPid(), ProcessHandle.current().pid());
        try {
            admin = ControlServer.open(sockdir().resolve("listener"), commands);
        } catch (IOException e) {
            PidFile.removeIfOurs(mainPid());
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "ckpool-exit"));
        Log.notice("%s listener started, pid %d, socket dir %s", settings.name(), ProcessHandle.current().pid(),
                sockdir());
        EventLog.global().event(EventLog.PROCESS_START, "pid", ProcessHandle.current().pid(), "name", settings.name());
        synchronized (lifecycle) {
            for (ManagedChild c : children) {
                if (!stopping) {
                    startChild(c);
                }
            }
            for (ManagedChild c : children) {
                waitForSocket(c);
            }
        }
        done.await();
        stopAll();
        return exitCode;
    }

    /** Refuses to start over a live instance, unless -k: then TERM it, wait, and KILL it if needed. */
    private void replaceOldInstance() throws IOException {
        Optional<ProcessHandle> old = PidFile.liveProcess(mainPid());
        if (old.isEmpty()) {
            return;
        }
        long pid = old.get().pid();
        if (!settings.killOld()) {
            throw new IOException("an instance named " + settings.name() + " is already running as pid " + pid
                    + " (" + mainPid() + "); use -k to replace it");
        }
        Log.warning("Killing old instance %s pid %d", settings.name(), pid);
        terminate(old.get(), Duration.ofSeconds(10));
        for (String p : PROCESSES) {
            PidFile.liveProcess(sockdir().resolve(p + ".pid")).ifPresent(h -> terminate(h, Duration.ofSeconds(5)));
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

    private void startChild(ManagedChild c) throws IOException {
        c.stopping = false;
        Process p = launcher.start(c.process, c.mainClass, settings.childArgs(Log.level()));
        c.proc = p;
        c.started = Instant.now();
        Log.notice("Started %s, pid %d", c.process, p.pid());
        EventLog.global().event(EventLog.CHILD_START, "child", c.process, "pid", p.pid(), "restarts", c.restarts.get());
        p.onExit().thenAccept(exited -> onChildExit(c, exited));
    }

    private void waitForSocket(ManagedChild c) throws InterruptedException {
        Path sock = sockdir().resolve(c.process);
        long deadline = System.currentTimeMillis() + CHILD_SOCKET_WAIT_MS;
        while (System.currentTimeMillis() < deadline && c.alive() && !stopping) {
            if (ControlServer.isLive(sock)) {
                return;
            }
            Thread.sleep(25);
        }
        if (c.alive() && !stopping) {
            Log.warning("%s has not opened %s after %d s", c.process, sock, CHILD_SOCKET_WAIT_MS / 1000);
        }
    }

    private void onChildExit(ManagedChild c, Process exited) {
        if (stopping || c.stopping || c.proc != exited) {
            return;
        }
        Log.warning("Child %s (pid %d) died with exit status %d", c.process, exited.pid(), exited.exitValue());
        EventLog.global().event(EventLog.CHILD_EXIT, "child", c.process, "pid", exited.pid(), "exit_code",
                exited.exitValue(), "restarts", c.restarts.get());
        Optional<Duration> delay = c.policy.onDeath(System.currentTimeMillis());
        if (delay.isEmpty()) {
            Log.emerg("Child %s died %d times within %d s, stopping %s", c.process, c.policy.maxDeaths(),
                    c.policy.window().toSeconds(), settings.name());
            stopAsync(1);
            return;
        }
        Log.warning("Restarting %s in %d ms", c.process, delay.get().toMillis());
        scheduler.schedule(() -> {
            synchronized (lifecycle) {
                if (stopping || c.proc != exited) {
                    return;
                }
                try {
                    c.restarts.incrementAndGet();
                    startChild(c);
                    EventLog.global().event(EventLog.CHILD_RESTART, "child", c.process, "pid", c.pid(), "old_pid",
                            exited.pid(), "exit_code", exited.exitValue(), "restarts", c.restarts.get(),
                            "reason", "died");
                } catch (IOException e) {
                    Log.emerg("Cannot restart %s: %s", c.process, e.getMessage());
                    stopAsync(1);
                }
            }
        }, delay.get().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restartChildren() {
        synchronized (lifecycle) {
            if (stopping) {
                return;
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                stopChild(children.get(i));
            }
            try {
                for (ManagedChild c : children) {
                    if (stopping) {
                        return;
                    }
                    c.restarts.incrementAndGet();
                    startChild(c);
                    EventLog.global().event(EventLog.CHILD_RESTART, "child", c.process, "pid", c.pid(),
                            "restarts", c.restarts.get(), "reason", "restart command");
                }
                for (ManagedChild c : children) {
                    waitForSocket(c);
                }
            } catch (IOException e) {
                Log.emerg("Cannot restart children: %s", e.getMessage());
                stopAsync(1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Log.notice("Children restarted");
        }
    }

    /**
     * Asks the child to shut down over its socket, then TERM, then KILL. A child whose socket does not answer (for
     * example one still starting) gets TERM at once.
     */
    private void stopChild(ManagedChild c) {
        c.stopping = true;
        Process p = c.proc;
        if (p == null || !p.isAlive()) {
            return;
        }
        boolean asked = false;
        try {
            ControlClient.request(sockdir().resolve(c.process), "shutdown", CONTROL_TIMEOUT_MS);
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

    private void stopAsync(int code) {
        if (code != 0) {
            exitCode = code;
        }
        stopping = true;
        done.countDown();
    }

    /** Stops children in reverse order and removes sockets and pid files; runs once. */
    void stopAll() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        done.countDown();
        Log.notice("Stopping %s", settings.name());
        for (int i = children.size() - 1; i >= 0; i--) {
            stopChild(children.get(i));
        }
        if (admin != null) {
            admin.close();
        }
        for (String p : PROCESSES) {
            deleteQuietly(sockdir().resolve(p));
            deleteQuietly(sockdir().resolve(p + ".pid"));
        }
        PidFile.removeIfOurs(mainPid());
        scheduler.shutdownNow();
        Log.notice("%s stopped", settings.name());
        EventLog.global().event(EventLog.PROCESS_STOP, "pid", ProcessHandle.current().pid(), "name", settings.name(),
                "exit_code", exitCode);
        EventLog.global().close();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            Log.warning("Could not remove %s: %s", p, e.getMessage());
        }
    }

    private String setLogLevel(String request) {
        String reply = ChildRuntime.setLogLevel(request);
        if (!"success".equals(reply)) {
            return reply;
        }
        String msg = "loglevel=" + Log.level();
        for (ManagedChild c : children) {
            if (!c.alive()) {
                continue;
            }
            try {
                Optional<String> r = ControlClient.request(sockdir().resolve(c.process), msg, CONTROL_TIMEOUT_MS);
                if (!r.map("success"::equals).orElse(false)) {
                    Log.warning("%s answered %s to %s", c.process, r.orElse("nothing"), msg);
                }
            } catch (IOException e) {
                Log.warning("Could not set the log level of %s: %s", c.process, e.getMessage());
            }
        }
        return "success";
    }

    private String forwardToStratifier(String request) {
        try {
            Optional<String> r = ControlClient.request(sockdir().resolve("stratifier"), request, CONTROL_TIMEOUT_MS);
            return r.orElse("success");
        } catch (IOException e) {
            Log.warning("Could not forward %s to the stratifier: %s", request, e.getMessage());
            return "failed: stratifier not reachable";
        }
    }

    /** Proxy mode: the generator's per-upstream figures (ckpmsg '{"method":"upstreams"}'). */
    private JsonNode upstreams() throws IOException {
        Optional<String> r = ControlClient.request(sockdir().resolve("generator"), "{\"method\":\"upstreams\"}",
                CONTROL_TIMEOUT_MS);
        JsonNode n = Json.parseOrNull(r.orElse(""));
        if (n == null) {
            throw new IOException("the generator gave no answer");
        }
        return n;
    }

    /**
     * {@code {"generator":N,"stratifier":N,"connector":N}}: restarts of each child since the listener started.
     * Cheap (asks no child), so the stratifier polls it for its {@code jckpool_process_restarts_total} metric.
     */
    private JsonNode restarts() {
        ObjectNode o = Json.object();
        for (ManagedChild c : children) {
            o.put(c.process, c.restarts.get());
        }
        return o;
    }

    private JsonNode stats() {
        ObjectNode o = Json.object();
        ObjectNode l = o.putObject("listener");
        l.put("pid", ProcessHandle.current().pid());
        l.put("uptime", Duration.between(started, Instant.now()).toSeconds());
        l.put("restarts", 0);
        l.put("loglevel", Log.level());
        l.put("alive", true);
        for (ManagedChild c : children) {
            ObjectNode s = o.putObject(c.process);
            s.put("pid", c.pid());
            s.put("alive", c.alive());
            s.put("restarts", c.restarts.get());
            s.put("uptime", c.uptime().toSeconds());
            s.putNull("loglevel");
            if (c.alive()) {
                try {
                    Optional<String> r = ControlClient.request(sockdir().resolve(c.process), "{\"method\":\"stats\"}",
                            CONTROL_TIMEOUT_MS);
                    JsonNode n = r.map(Json::parseOrNull).orElse(null);
                    if (n != null && n.has("loglevel")) {
                        s.set("loglevel", n.get("loglevel"));
                        s.set("uptime", n.get("uptime"));
                    }
                } catch (IOException e) {
                    Log.info("No stats from %s: %s", c.process, e.getMessage());
                }
            }
        }
        return o;
    }
}
