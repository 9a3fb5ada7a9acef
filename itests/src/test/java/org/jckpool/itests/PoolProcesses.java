package org.jckpool.itests;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.suite.process.PidFile;

/**
 * Starts the suite and its tools through the launchers in {@code scripts/}, as a user would, and cleans up every
 * process it started. Socket directory: {@code <tmp>/<name>} so that the tools find it with {@code -s <tmp>}.
 */
final class PoolProcesses implements AutoCloseable {
    static final List<String> CHILDREN = List.of("generator", "stratifier", "connector");

    final Path root = Path.of(System.getProperty("jckpool.root", "..")).toAbsolutePath().normalize();
    final Path base;
    private final List<Process> started = new ArrayList<>();
    private final List<Path> sockdirs = new ArrayList<>();

    record Result(int exit, String out) {
    }

    PoolProcesses(Path base) {
        this.base = base;
    }

    Path sockdir(String name) {
        return base.resolve(name);
    }

    /** A config whose btcd points at a port nothing listens on (no node is needed in this issue). */
    Path config(String name, String extraJson) throws IOException {
        int unused;
        int stratum;
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            unused = s.getLocalPort();
            stratum = t.getLocalPort();
        }
        Path conf = base.resolve(name + ".conf");
        Files.writeString(conf, "{\"btcd\":{\"url\":\"127.0.0.1:" + unused + "\",\"auth\":\"u\",\"pass\":\"p\"},"
                + "\"btcaddress\":\"bcrt1qtest\",\"logdir\":\"" + base.resolve("logs") + "\""
                // The connector binds serverurl: a free loopback port, never the default 0.0.0.0:3333.
                + (extraJson.contains("serverurl") ? "" : ",\"serverurl\":[\"127.0.0.1:" + stratum + "\"]")
                + (extraJson.isEmpty() ? "" : "," + extraJson) + "}\n");
        return conf;
    }

    Process startPool(String name, Path conf, Map<String, String> env, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("scripts/ckpool").toString(), "-c", conf.toString(),
                "-n", name, "-s", sockdir(name).toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(base.resolve(name + "-" + started.size() + ".out").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        sockdirs.add(sockdir(name));
        return p;
    }

    String output(String name, int index) throws IOException {
        return Files.readString(base.resolve(name + "-" + index + ".out"));
    }

    boolean allSocketsLive(String name) {
        for (String s : List.of("listener", "generator", "stratifier", "connector")) {
            if (!ControlServer.isLive(sockdir(name).resolve(s))) {
                return false;
            }
        }
        return true;
    }

    Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        started.add(p);
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Starts a long-running command whose stdout is read line by line (stderr to {@code <base>/<errName>}). */
    LineProcess startLines(List<String> cmd, String errName) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectError(base.resolve(errName).toFile()).start();
        started.add(p);
        p.getOutputStream().close();
        return new LineProcess(p);
    }

    /** scripts/ckpmsg -s base -n name [args...]. */
    Result ckpmsg(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("scripts/ckpmsg").toString(), "-s", base.toString(),
                "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    Result ckpmsgStdin(String name, String lines) throws IOException, InterruptedException {
        return run(List.of(root.resolve("scripts/ckpmsg").toString(), "-s", base.toString(), "-n", name), lines);
    }

    Result notifier(String name) throws IOException, InterruptedException {
        return run(List.of(root.resolve("scripts/notifier").toString(), "-s", base.toString(), "-n", name), null);
    }

    OptionalLong pid(String name, String process) {
        return PidFile.read(sockdir(name).resolve(process + ".pid"));
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Kills whatever this test started and whatever the pid files of its instances name. */
    @Override
    public void close() {
        for (Path dir : sockdirs) {
            for (String p : List.of("main", "generator", "stratifier", "connector")) {
                PidFile.read(dir.resolve(p + ".pid")).ifPresent(pid ->
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
