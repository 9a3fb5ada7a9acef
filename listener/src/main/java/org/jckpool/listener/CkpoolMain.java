package org.jckpool.listener;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.suite.config.ConfigException;
import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.libpool.ipc.SocketDirs;

/** {@code ckpool}: parses ckpool's command line, checks the config, and runs the {@link Supervisor}. */
public final class CkpoolMain {
    String config;
    String name;
    String sockdir;
    int loglevel = Log.DEFAULT_LEVEL;
    boolean killOld;
    boolean daemonise;
    boolean quiet;
    String group;
    boolean btcsolo;
    boolean logShares;
    boolean proxy;
    boolean passthrough;
    boolean handover;
    boolean node;
    boolean redirector;
    boolean userproxy;
    boolean trusted;
    boolean help;
    boolean version;

    private final String[] originalArgs;

    CkpoolMain(String[] originalArgs) {
        this.originalArgs = originalArgs;
    }

    public static void main(String[] args) {
        CkpoolMain m = new CkpoolMain(args);
        try {
            CkpoolArgs.parse(args, m);
        } catch (CkpoolArgs.UsageException e) {
            System.err.println("ckpool: " + e.getMessage());
            System.err.print(CkpoolArgs.usage());
            System.exit(2);
        }
        if (m.help) {
            System.out.print(CkpoolArgs.usage());
            System.exit(0);
        }
        if (m.version) {
            String v = CkpoolMain.class.getPackage().getImplementationVersion();
            System.out.println("ckpool (jckpool) " + (v == null ? "development build" : v));
            System.exit(0);
        }
        System.exit(m.call());
    }

    int call() {
        Log.setProcess("listener");
        String problem = checkFlags();
        if (problem != null) {
            return fail(problem);
        }
        if (handover) {
            killOld = true; // when the handover fails, the old instance is replaced as with -k
        }

        String instance = name != null ? name : defaultName();
        Path cfgPath = Path.of(config != null ? config : instance + ".conf");
        Path dir = SocketDirs.forPool(sockdir, instance);
        PoolConfig cfg;
        try {
            cfg = ConfigLoader.load(cfgPath);
        } catch (ConfigException e) {
            return fail("bad config " + cfgPath + ": " + e.getMessage());
        }
        if (cfg.btcaddress() == null && !btcsolo && !anyProxyMode()) {
            return fail("non-solo mining needs a \"btcaddress\" in " + cfgPath + " (or use -B)");
        }
        String configProblem = configProblem(cfg, cfgPath);
        if (configProblem != null) {
            return fail(configProblem);
        }
        if (trusted && cfg.upstream() == null) {
            return fail("trusted remote mode (-t) needs \"upstream\": \"host:port\" (the main pool) in " + cfgPath);
        }
        if (group != null) {
            try {
                SocketDirs.checkGroup(group);
            } catch (IOException e) {
                return fail("group " + group + " not found");
            }
            SocketDirs.setGroup(group);
        }
        if (daemonise) {
            return daemonise();
        }
        Log.setQuiet(quiet);
        try {
            Log.init("listener", Path.of(cfg.logdir()).resolve(instance + ".log"), loglevel);
        } catch (IOException e) {
            return fail("cannot open log file in " + cfg.logdir() + ": " + e.getMessage());
        }
        EventLog.setGlobal(ChildRuntime.openEventLog(cfg, "listener"));
        List<HostPort> serverurls = cfg.listenUrls();
        SuiteSettings s = new SuiteSettings(instance, dir, cfgPath, loglevel, group, quiet, killOld, btcsolo,
                logShares, proxy, passthrough || redirector, userproxy, redirector, node, trusted, serverurls,
                handover);
        markArchiveComplete();
        try {
            return new Supervisor(s, new ChildLauncher(), this::startSuccessor).run();
        } catch (IOException e) {
            return fail(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * scripts/ckpool keeps the class-data archive this run writes at exit only when this file exists: a run that
     * got here starts the suite, so its archive holds the classes a start needs (a --help run's would not).
     */
    private static void markArchiveComplete() {
        String mark = System.getProperty("jckpool.cds.complete");
        if (mark != null) {
            try {
                Files.writeString(Path.of(mark), "");
            } catch (IOException e) {
                Log.warning("cannot mark the class-data archive complete (%s): %s", mark, e.getMessage());
            }
        }
    }

    /** ckpool's rules: a log level in range, at most one proxy-like mode, no solo mode with a proxy mode. */
    String checkFlags() {
        if (!Log.isValidLevel(loglevel)) {
            return "invalid loglevel (range 0 - 7): " + loglevel;
        }
        int modes = (proxy ? 1 : 0) + (passthrough ? 1 : 0) + (node ? 1 : 0) + (redirector ? 1 : 0)
                + (userproxy ? 1 : 0);
        if (modes > 1) {
            return "only one of -p, -P, -N, -R, -u may be given";
        }
        if (btcsolo && modes > 0) {
            return "cannot combine btcsolo mode (-B) with a proxy mode";
        }
        if (trusted && modes > 0) {
            return "cannot combine trusted remote mode (-t) with a proxy mode";
        }
        return null;
    }

    /** What the mode needs from the config and it lacks (ckpool refuses these too), or null. */
    String configProblem(PoolConfig cfg, Path cfgPath) {
        if ((proxy || passthrough || userproxy || redirector || node) && cfg.proxy().isEmpty()) {
            String mode = redirector ? "redirector" : passthrough ? "passthrough" : node ? "node" : "proxy";
            return "no \"proxy\" entries in " + cfgPath + " for " + mode + " mode";
        }
        if (node && (cfg.raw() == null || !cfg.raw().has("btcd"))) {
            return "node mode (-N) needs its own bitcoind: no \"btcd\" entries in " + cfgPath;
        }
        if (redirector && cfg.redirecturl().isEmpty()) {
            return "no \"redirecturl\" entries in " + cfgPath + " for redirector mode (where miners go once a share"
                    + " of theirs was accepted)";
        }
        return null;
    }

    String defaultName() {
        if (node) {
            return "cknode";
        }
        if (redirector) {
            return "ckredirector";
        }
        if (passthrough) {
            return "ckpassthrough";
        }
        if (proxy || userproxy) {
            return "ckproxy";
        }
        return "ckpool";
    }

    private boolean anyProxyMode() {
        return proxy || passthrough || node || redirector || userproxy;
    }

    private static int fail(String message) {
        System.err.println("ckpool: " + message);
        Log.emerg("%s", message);
        return 1;
    }

    /**
     * A JVM cannot fork, so -D starts the same command again without -D, detached (setsid when available) with
     * stdio on /dev/null, and returns. The background instance logs to the log file as usual.
     */
    private int daemonise() {
        List<String> cmd = new ArrayList<>();
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                cmd.add(setsid);
                break;
            }
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CkpoolMain.class.getName());
        for (String a : originalArgs) {
            String stripped = stripDaemonFlag(a);
            if (stripped != null) {
                cmd.add(stripped);
            }
        }
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            System.out.println("ckpool: running in the background as pid " + p.pid());
            return 0;
        } catch (IOException e) {
            return fail("cannot start in the background: " + e.getMessage());
        }
    }

    /**
     * {@code restart}: starts this same command (the installed code, same arguments) with -H; the new instance
     * takes this one's sockets and sessions over and this one exits (ckpool's restart). Its output goes where
     * ours goes.
     */
    private void startSuccessor() {
        List<String> cmd = javaCommand();
        cmd.addAll(List.of(originalArgs));
        if (!handover) {
            cmd.add("-H");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Log.notice("Restart: started pid %d to take this instance over", p.pid());
        } catch (IOException e) {
            Log.err("Restart: cannot start the new instance: %s", e.getMessage());
        }
    }

    /** java, this JVM's options and classpath, and this main class. */
    private static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CkpoolMain.class.getName());
        return cmd;
    }

    /** Removes D from a flag cluster like -kD; null when nothing is left. Leaves option values alone. */
    static String stripDaemonFlag(String arg) {
        if (arg.equals("--daemonise")) {
            return null;
        }
        if (arg.startsWith("-") && !arg.startsWith("--") && arg.length() > 1
                && arg.substring(1).chars().allMatch(Character::isLetter) && arg.indexOf('D') > 0) {
            String rest = "-" + arg.substring(1).replace("D", "");
            return rest.equals("-") ? null : rest;
        }
        return arg;
    }
}
