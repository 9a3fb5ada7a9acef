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

import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.ListeningSockets;
import org.jckpool.libpool.ipc.NioDescriptors;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.PidFile;
import org.jckpool.libpool.ipc.SocketDirs;

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
    static final long CONTROL_TIMEOUT_MS = 2_000;
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
    private volatile ListeningSockets listening = ListeningSockets.none();
    /** Set once this instance released its sockets to a new one (-H): no restarts, nothing of theirs removed. */
    private volatile boolean handedOver;
    /** The first stratifier of an instance started with -H waits for the old instance's session table. */
    private volatile boolean stratifierAwaitsSessions;
    private final Runnable restartByHandover;
    private final HandoverToSuccessor successor;

    /**
     * @param restartByHandover what {@code restart} does: start this same command with -H, which takes this
     *                          instance's sockets and sessions over (ckpool's restart)
     */
    Supervisor(SuiteSettings settings, ChildLauncher launcher, Runnable restartByHandover) {
        this.settings = settings;
        this.launcher = launcher;
        this.restartByHandover = restartByHandover;
        ManagedChild stratifier = new ManagedChild("stratifier", "org.jckpool.stratifier.StratifierMain", policy());
        ManagedChild connector = new ManagedChild("connector", "org.jckpool.connector.ConnectorMain",
                RestartPolicy.restartingFirstAtOnce(MAX_DEATHS, DEATH_WINDOW));
        // -P, -N: the stratifier runs the passthrough relay, which needs no generator (no work; a node submits
        // solved blocks to its bitcoind from the relay)
        this.children = settings.relay() ? List.of(stratifier, connector)
                : List.of(new ManagedChild("generator", "org.jckpool.generator.GeneratorMain", policy()), stratifier,
                        connector);
        this.successor = new HandoverToSuccessor(settings.sockdir(), children);
        commands.text("ping", r -> "pong");
        commands.text("shutdown", r -> {
            Log.notice("Listener received shutdown request");
            stopAsync(0);
            return "exiting";
        });
        AdminQueries queries = new AdminQueries(settings.sockdir(), children, started, settings.relay());
        commands.text("loglevel", queries::setLogLevel);
        commands.text("restart", r -> {
            Log.notice("Listener received restart request: starting a new instance that takes this one over");
            scheduler.execute(restartByHandover);
            return "restarting";
        });
        commands.text(Handover.RELEASE, r -> releaseToSuccessor());
        commands.text(Handover.FINISH, r -> finishForSuccessor());
        commands.text("update", queries::forwardToStratifier);
        commands.text("reconnect", r -> queries.forwardToStratifier(r, "reconnecting"));
        commands.text("dropall", r -> queries.forwardToStratifier(r, "dropping all"));
        commands.text("resetshares", r -> queries.forwardToStratifier(r, "resetting"));
        commands.text("accept", queries::forwardToConnector);
        commands.text("reject", queries::forwardToConnector);
        commands.text("stratifierstats", r -> queries.childStats("stratifier"));
        commands.text("connectorstats", r -> queries.childStats("connector"));
        commands.json("stats", p -> queries.stats());
        commands.json("restarts", p -> queries.restarts());
        commands.json("upstreams", p -> queries.upstreams());
        commands.json("schedule", queries::schedule);
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
        Handover handover = settings.handover() ? beginHandover() : null;
        if (handover == null) {
            OldInstance.replace(settings, mainPid());
        } else {
            listening = handover.sockets();
            stratifierAwaitsSessions = true;
        }
        if (listening.isEmpty()) {
            listening = openListeningSockets();
        }
        PidFile.write(mainPid(), ProcessHandle.current().pid());
        try {
            admin = ControlServer.open(sockdir().resolve("listener"), commands)
                    .onDescriptorRequest(ListeningSockets.GETXFD, r -> listening.describe());
        } catch (IOException e) {
            PidFile.removeIfOurs(mainPid());
            listening.close();
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
        if (handover != null) {
            Thread t = new Thread(() -> handover.finishWhenReady(sockdir().resolve("stratifier"), () -> stopping),
                    "handover");
            t.setDaemon(true);
            t.start();
        }
        done.await();
        stopAll();
        return exitCode;
    }

    /**
     * Binds the serverurl ports for the connectors this listener starts ({@code getxfd}), so that connects wait
     * in the kernel's backlog while a connector restarts. When that is impossible the connector binds them
     * itself, as before (logged).
     */
    private ListeningSockets openListeningSockets() {
        if (!NioDescriptors.available()) {
            Log.warning("Listener cannot hand sockets to the connector (%s); it binds its own", NioDescriptors.problem());
            return ListeningSockets.none();
        }
        try {
            ListeningSockets s = ListeningSockets.bind(settings.serverurls());
            Log.notice("Listener holds the listening sockets %s", s.urls());
            return s;
        } catch (IOException e) {
            Log.warning("Listener could not bind the serverurl ports (%s); the connector binds its own",
                    e.getMessage());
            return ListeningSockets.none();
        }
    }

    /**
     * -H: takes the running instance's listening sockets and has it release its socket paths. Null when there is
     * none, or when it failed (then the old instance is replaced the -k way, keeping any sockets already taken so
     * that connects still queue meanwhile).
     */
    private Handover beginHandover() {
        ListeningSockets[] fetched = {null};
        try {
            return Handover.begin(sockdir(), fetched).orElse(null);
        } catch (IOException e) {
            Log.warning("Handover failed (%s); replacing the running instance instead", e.getMessage());
            if (fetched[0] != null) {
                listening = fetched[0];
            }
            return null;
        }
    }

    /** The old instance's side of -H, first step: frees the socket paths for the new instance. */
    private String releaseToSuccessor() {
        synchronized (lifecycle) {
            if (stopping) {
                return "failed: stopping";
            }
            handedOver = true;
            return successor.release(admin);
        }
    }

    /** The old instance's side of -H, last step: hands over the session table, then stops. */
    private String finishForSuccessor() {
        String table = successor.finish();
        scheduler.schedule(() -> stopAsync(0), 200, TimeUnit.MILLISECONDS); // after the reply is out
        return table;
    }

    private void startChild(ManagedChild c) throws IOException {
        c.stopping = false;
        List<String> props = List.of();
        if (c.process.equals("stratifier") && stratifierAwaitsSessions) {
            stratifierAwaitsSessions = false;
            props = List.of("-Djckpool.awaitSessions=true");
        }
        Process p = launcher.start(c.process, c.mainClass, settings.childArgs(Log.level()), props);
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
        if (stopping || handedOver || c.stopping || c.proc != exited) {
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
            ChildStopper.stop(children.get(i), sockdir());
        }
        if (admin != null) {
            admin.close();
        }
        listening.close();
        for (String p : PROCESSES) {
            if (!handedOver) { // else they are the new instance's; our children removed their moved sockets
                deleteQuietly(sockdir().resolve(p));
                deleteQuietly(sockdir().resolve(p + ".pid"));
            }
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
}
