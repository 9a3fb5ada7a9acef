package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jckpool.libpool.ipc.NioDescriptors;
import org.jckpool.libpool.process.ChildArgs;

/**
 * Builds and starts a child JVM: the parent's java binary and classpath, per-process JVM flags, the child's main
 * class and {@link ChildArgs}. Stdin is a pipe the supervisor never writes to (see ParentWatch); stdout and
 * stderr are shared with the supervisor.
 *
 * <p>Flags: every child gets {@value #DEFAULT_JVM_OPTS} (serial GC, small stacks; the JDK's class-data archive
 * mapped at its own address so its pages stay shared between the four JVMs instead of being relocated into
 * private copies, about 6 MB PSS each; the heap gives back what it grew by once at most 30% of it is free after a
 * full collection, not the default 70%; no thread keeps a cached direct buffer over 256 KiB: the JDK reads and
 * writes heap buffers through one of their size, kept per thread). The generator, off the share path, adds {@value #GENERATOR_JVM_OPTS}
 * (C1 only, a small heap and code cache). The stratifier and connector, which carry every share, add
 * {@value #SHARE_PATH_JVM_OPTS}: with the default 5 MB young generation, tens of thousands of shares/s meant
 * about ten collections a second, and each pause holds up every share in flight. {@code JCKPOOL_CHILD_JVM_OPTS}
 * replaces the defaults (all of them); {@code JCKPOOL_<PROCESS>_JVM_OPTS} (e.g.
 * {@code JCKPOOL_STRATIFIER_JVM_OPTS}) is appended for one process. Each child also maps (or, on the first
 * run, records) its own class-data archive ({@link CdsArchives}), and gets {@code MALLOC_ARENA_MAX=2} unless
 * the environment sets it (fewer glibc malloc arenas for the JVM's native threads). Whatever the environment says,
 * {@value NioDescriptors#JVM_FLAG} is added: the connector makes its listening channels from the descriptors the
 * listener hands it.
 */
final class ChildLauncher {
    static final String DEFAULT_JVM_OPTS = "-XX:+UseSerialGC -Xss512k -XX:+UnlockDiagnosticVMOptions "
            + "-XX:ArchiveRelocationMode=0 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 "
            + "-Djdk.nio.maxCachedBufferSize=262144";
    static final String GENERATOR_JVM_OPTS = "-XX:TieredStopAtLevel=1 -Xms8m -Xmn4m -Xmx256m "
            + "-XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m";
    static final String SHARE_PATH_JVM_OPTS = "-Xms48m -Xmn32m -Xmx384m -XX:ReservedCodeCacheSize=64m "
            + "-XX:MaxMetaspaceSize=96m";

    private final String javaBin;
    private final String classpath;
    private final CdsArchives cds;

    ChildLauncher() {
        this(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), true);
    }

    ChildLauncher(String javaBin, String classpath) {
        this(javaBin, classpath, false);
    }

    private ChildLauncher(String javaBin, String classpath, boolean cds) {
        this.javaBin = javaBin;
        this.classpath = classpath;
        this.cds = cds ? CdsArchives.fromEnvironment(javaBin, classpath) : null;
    }

    /** The JVM options of a child, before any class-data flags. */
    List<String> jvmOptions(String process) {
        List<String> opts = new ArrayList<>();
        String common = System.getenv("JCKPOOL_CHILD_JVM_OPTS");
        opts.addAll(split(common == null ? DEFAULT_JVM_OPTS : common));
        if (common == null && (process.equals("stratifier") || process.equals("connector"))) {
            opts.addAll(split(SHARE_PATH_JVM_OPTS));
        } else if (common == null && process.equals("generator")) {
            opts.addAll(split(GENERATOR_JVM_OPTS));
        }
        opts.addAll(split(System.getenv("JCKPOOL_" + process.toUpperCase(Locale.ROOT) + "_JVM_OPTS")));
        opts.add(NioDescriptors.JVM_FLAG); // always: the connector takes the listening sockets from the listener
        return opts;
    }

    List<String> command(String process, String mainClass, ChildArgs args) {
        return command(process, mainClass, args, List.of(), List.of());
    }

    private List<String> command(String process, String mainClass, ChildArgs args, List<String> cdsFlags,
                                 List<String> properties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions(process));
        cmd.addAll(cdsFlags);
        cmd.addAll(properties);
        cmd.add("-Djckpool.process=" + process);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args.toArgs());
        return cmd;
    }

    Process start(String process, String mainClass, ChildArgs args) throws IOException {
        return start(process, mainClass, args, List.of());
    }

    /** As above with {@code -Dname=value} {@code properties} for this start only (not part of the CDS key). */
    Process start(String process, String mainClass, ChildArgs args, List<String> properties) throws IOException {
        Path archive = cds == null ? null : cds.archive(process, jvmOptions(process));
        Path recording = archive == null ? null : cds.recording(archive);
        List<String> cdsFlags = archive == null ? List.of() : CdsArchives.flags(archive, recording);
        ProcessBuilder pb = new ProcessBuilder(command(process, mainClass, args, cdsFlags, properties));
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        if (cdsFlags.size() == 1) { // recording (see CdsArchives.flags)
            p.onExit().thenAccept(exited -> CdsArchives.promote(process, recording, archive, exited.exitValue()));
        }
        return p;
    }
    private static List<String> split(String opts) {
        if (opts == null || opts.isBlank()) {
            return List.of();
        }
        return Arrays.asList(opts.trim().split("\\s+"));
    }
}
