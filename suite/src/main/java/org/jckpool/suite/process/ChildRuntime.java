package org.jckpool.suite.process;

import org.jckpool.libpool.ipc.SocketDirs;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.suite.config.ConfigException;
import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;

/**
 * The common start of the child processes (generator, stratifier, connector).
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     ChildRuntime.run("stratifier", args, rt -> {
 *         PoolConfig cfg = rt.config();                         // parsed ckpool.conf
 *         boolean solo = rt.args().btcsolo();                   // -B and the other passed-through flags
 *         rt.commands().text("update", req -> { ...; return null; });     // ckpool text command, prefix match
 *         rt.commands().json("users", params -> ...);                     // JSON {"method":"users"}
 *         rt.onStream(peer -> new FrameStream.Listener() { ... });        // persistent streams to this socket
 *         rt.onShutdown(() -> ...);                                        // runs before the socket closes
 *     });
 * }
 * }</pre>
 *
 * {@link #run} parses the arguments ({@link ChildArgs}), starts the log ({@code <logdir>/<name>.log}), loads the
 * config, calls {@code setup}, then opens {@code <sockdir>/<process>}, writes {@code <sockdir>/<process>.pid},
 * watches stdin for the supervisor's death, and waits for shutdown. Built-in commands: {@code ping}→{@code pong},
 * {@code loglevel=N}→{@code success} ({@code Invalid} outside 0–7), {@code shutdown}→{@code exiting}, JSON
 * {@code stats}→{@code {"pid","uptime","loglevel","process"}}. A start failure logs and exits with status 1.
 */
public final class ChildRuntime {
    private final String process;
    private final ChildArgs args;
    private final PoolConfig config;
    private final CommandTable commands = new CommandTable();
    private final List<Runnable> shutdownHooks = new CopyOnWriteArrayList<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private final Instant started = Instant.now();
    private volatile ControlServer.StreamAcceptor streamAcceptor;
    private volatile ControlServer server;
    private volatile ParentWatch parentWatch;
    private volatile int maxRequestBytes = ControlServer.DEFAULT_MAX_REQUEST_BYTES;

    /**
     * Handover: the socket file moves to {@code <sockdir>/<process>.<pid>} (reply {@code released <path>}), freeing
     * the path for the new instance's process of the same name; this process goes on serving its connections,
     * streams and the moved socket until it is stopped.
     */
    public static final String RELEASE_SOCKET = "handover.releasesocket";

    private ChildRuntime(String process, ChildArgs args, PoolConfig config) {
        this.process = process;
        this.args = args;
        this.config = config;
        commands.text("ping", r -> "pong");
        commands.text("loglevel", ChildRuntime::setLogLevel);
        commands.text("shutdown", r -> {
            Log.notice("%s received shutdown request", process);
            requestShutdown();
            return "exiting";
        });
        commands.json("stats", p -> baseStats());
        commands.text(RELEASE_SOCKET, r -> {
            ControlServer srv = server;
            Path moved = socketOf(process + "." + ProcessHandle.current().pid());
            try {
                srv.movePath(moved);
            } catch (IOException | RuntimeException e) {
                Log.err("%s could not release its socket: %s", process, e);
                return "failed: " + e.getMessage();
            }
            Log.notice("%s released %s to its successor (handover); answering on %s until stopped", process,
                    socketOf(process), moved);
            return "released " + moved;
        });
    }

    /** Parses, starts logging and loads the config; throws with a readable message on any problem. */
    public static ChildRuntime create(String process, String[] argv) throws ConfigException, IOException {
        Log.setProcess(process);
        ChildArgs a = ChildArgs.parse(argv);
        Log.setQuiet(a.quiet());
        Log.setLevel(a.loglevel());
        PoolConfig cfg = ConfigLoader.load(a.config());
        Log.init(process, Path.of(cfg.logdir()).resolve(a.name() + ".log"), a.loglevel());
        SocketDirs.setGroup(a.group());
        EventLog.setGlobal(openEventLog(cfg, process));
        return new ChildRuntime(process, a, cfg);
    }

    /**
     * The process's event log from the config key {@code "logjson"} (boolean, default false): an asynchronous
     * {@link EventLog} on {@code <logdir>/<process>.events.jsonl}, or a disabled one. A log that cannot be opened
     * is reported and disabled rather than stopping the process.
     */
    public static EventLog openEventLog(PoolConfig cfg, String process) {
        boolean on = cfg.raw() != null && cfg.raw().path("logjson").asBoolean(false);
        try {
            return EventLog.forConfig(on, Path.of(cfg.logdir()), process);
        } catch (IOException | RuntimeException e) {
            Log.err("Cannot open the event log in %s: %s", cfg.logdir(), e.getMessage());
            return EventLog.disabled();
        }
    }

    /** create + setup + start + wait, then exit the JVM: the whole life of a child's main. */
    public static void run(String process, String[] argv, Consumer<ChildRuntime> setup) {
        ChildRuntime rt;
        try {
            rt = create(process, argv);
            setup.accept(rt);
            rt.start();
        } catch (ConfigException | IOException | RuntimeException e) {
            Log.emerg("%s failed to start: %s", process, e.getMessage() == null ? e.toString() : e.getMessage());
            System.exit(1);
            return;
        }
        rt.awaitShutdown();
        System.exit(0);
    }

    /** Opens the control socket, writes the pid file and starts watching the supervisor. */
    public void start() throws IOException {
        SocketDirs.ensure(args.sockdir());
        // the pid file first: once the socket answers, the pid file is there too
        PidFile.write(pidFile(), ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanup, process + "-exit"));
        server = ControlServer.open(socketOf(process), commands).maxRequestBytes(maxRequestBytes);
        ControlServer.StreamAcceptor a = streamAcceptor;
        if (a != null) {
            server.onStream(a);
        }
        if (args.parentWatch()) {
            parentWatch = ParentWatch.start(new FileInputStream(FileDescriptor.in).getChannel(), this::requestShutdown);
        }
        Log.notice("%s started, pid %d, socket %s", process, ProcessHandle.current().pid(), socketOf(process));
        EventLog.global().event(EventLog.PROCESS_START, "pid", ProcessHandle.current().pid());
    }

    /** Blocks until shutdown is requested (shutdown command, supervisor gone, or SIGTERM), then cleans up. */
    public void awaitShutdown() {
        try {
            shutdown.await();
            Thread.sleep(50); // let the "exiting" reply reach the client before the socket closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanup();
    }

    public void requestShutdown() {
        shutdown.countDown();
    }

    public boolean isShuttingDown() {
        return shutdown.getCount() == 0;
    }

    private void cleanup() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        shutdown.countDown();
        for (Runnable r : shutdownHooks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                Log.err("%s shutdown hook failed: %s", process, e);
            }
        }
        ControlServer s = server;
        if (s != null) {
            s.close();
        }
        ParentWatch w = parentWatch;
        if (w != null) {
            w.close();
        }
        PidFile.removeIfOurs(pidFile());
        Log.notice("%s exiting", process);
        EventLog.global().event(EventLog.PROCESS_STOP, "pid", ProcessHandle.current().pid(),
                "uptime", uptime().toSeconds());
        EventLog.global().close();
    }

    /** The process name: "generator", "stratifier" or "connector". */
    public String process() {
        return process;
    }

    public ChildArgs args() {
        return args;
    }

    public PoolConfig config() {
        return config;
    }

    /** Add text commands and JSON methods here (before or after start). */
    public CommandTable commands() {
        return commands;
    }

    /**
     * The largest control request this process takes (default {@link ControlServer#DEFAULT_MAX_REQUEST_BYTES});
     * call in {@code setup}, before the socket opens. Streams are capped at Frames.MAX_FRAME regardless.
     */
    public void maxRequestBytes(int bytes) {
        this.maxRequestBytes = bytes;
    }

    /** Accepts persistent streams opened to this process's socket. */
    public void onStream(ControlServer.StreamAcceptor acceptor) {
        this.streamAcceptor = acceptor;
        ControlServer s = server;
        if (s != null) {
            s.onStream(acceptor);
        }
    }

    /** Runs at shutdown, before the control socket closes, in registration order. */
    public void onShutdown(Runnable hook) {
        shutdownHooks.add(hook);
    }

    /** The socket of a process of this instance: {@code <sockdir>/<process>}. */
    public Path socketOf(String processName) {
        return args.sockdir().resolve(processName);
    }

    public Path pidFile() {
        return args.sockdir().resolve(process + ".pid");
    }

    public Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    /** The stats every process reports; a process that replaces "stats" can start from this. */
    public ObjectNode baseStats() {
        ObjectNode o = Json.object();
        o.put("process", process);
        o.put("pid", ProcessHandle.current().pid());
        o.put("uptime", uptime().toSeconds());
        o.put("loglevel", Log.level());
        return o;
    }

    /** ckpool's {@code loglevel=N}: "success", or "Invalid" for anything but 0–7. */
    public static String setLogLevel(String request) {
        int eq = request.indexOf('=');
        if (eq < 0) {
            return "Invalid";
        }
        try {
            int l = Integer.parseInt(request.substring(eq + 1).strip());
            if (!Log.isValidLevel(l)) {
                return "Invalid";
            }
            Log.setLevel(l);
            Log.notice("Log level set to %d", l);
            return "success";
        } catch (NumberFormatException e) {
            return "Invalid";
        }
    }
}
