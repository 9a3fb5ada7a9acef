package org.jckpool.listener;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jckpool.libpool.ipc.NioDescriptors;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildArgs;

/**
 * Builds and starts a child JVM: the parent's java binary, the class path of the child's module, per-process JVM
 * flags, the child's main class and {@link ChildArgs}. The class path: {@code <lib>/<module>.classpath} (written
 * by dist: the module's jar and its runtime jars as {@code ./name.jar} entries, ':'-separated), where {@code <lib>}
 * is the directory of the parent's first class-path jar and {@code <module>} the third part of the main class's
 * name ({@code org.jckpool.stratifier.StratifierMain}: stratifier), so the stratifier never loads ckdb's
 * PostgreSQL driver nor the generator the web API; the parent's own class path when that file is missing or
 * names a jar that is not there. Stdin is a pipe the supervisor never writes to (see ParentWatch); stdout and
 * stderr are shared with the supervisor.
 *
 * <p>Flags: every child gets {@value #DEFAULT_JVM_OPTS} (serial GC, small stacks; the JDK's class-data archive
 * mapped at its own address so its pages stay shared between the four JVMs instead of being relocated into
 * private copies, about 6 MB PSS each; the heap gives back what it grew by once at most 30% of it is free after a
 * full collection, not the default 70%; no thread keeps a cached direct buffer over 256 KiB: the JDK reads and
 * writes heap buffers through one of their size, kept per thread) and, on a JDK that has it,
 * {@value #TRIM_NATIVE_HEAP}. The generator, off the share path, adds {@value #GENERATOR_JVM_OPTS}
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
    static final String SHARE_PATH_JVM_OPTS = "-Xms16m -Xmn8m -Xmx384m -XX:ReservedCodeCacheSize=64m "
            + "-XX:MaxMetaspaceSize=96m";

    /**
     * glibc keeps the memory a JVM frees natively (the JIT's arenas, NIO's buffers) for reuse instead of giving it
     * back: after a flood of new connections or malformed lines each child stayed 10-25 MB larger for good. This
     * has the JVM call malloc_trim every 5 s (JDK 17.0.9+, 21.0.1+, 22+; an older JVM refuses unknown flags).
     */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=5000";

    private final String javaBin;
    private final String classpath;
    private final Path libDir;
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
        this.libDir = libDir(classpath);
        this.cds = cds ? CdsArchives.fromEnvironment(javaBin, classpath) : null;
    }

    /** The directory of the first class-path entry when that is a jar on disk, else null. */
    static Path libDir(String classpath) {
        String first = classpath == null ? "" : classpath.split(File.pathSeparator, -1)[0];
        if (!first.endsWith(".jar")) {
            return null;
        }
        Path jar = Path.of(first).toAbsolutePath();
        return Files.isRegularFile(jar) ? jar.getParent() : null;
    }

    /** {@code org.jckpool.<module>.…Main} → module; null for another name. */
    static String moduleOf(String mainClass) {
        String[] parts = mainClass.split("\\.");
        return parts.length >= 4 && parts[0].equals("org") && parts[1].equals("jckpool") ? parts[2] : null;
    }

    /** The class path a child running {@code mainClass} gets (see the class comment). */
    String classpath(String mainClass) {
        String module = moduleOf(mainClass);
        if (libDir == null || module == null) {
            return classpath;
        }
        Path file = libDir.resolve(module + ".classpath");
        if (!Files.isRegularFile(file)) {
            return classpath;
        }
        try {
            List<String> jars = new ArrayList<>();
            for (String e : Files.readString(file, StandardCharsets.UTF_8).trim().split(":")) {
                if (e.isBlank()) {
                    continue;
                }
                Path jar = libDir.resolve(e.trim()).normalize();
                if (!Files.isRegularFile(jar)) {
                    Log.warning("%s names %s, which is missing: %s starts on the listener's class path", file, jar, module);
                    return classpath;
                }
                jars.add(jar.toString());
            }
            return jars.isEmpty() ? classpath : String.join(File.pathSeparator, jars);
        } catch (IOException | RuntimeException e) {
            Log.warning("%s unreadable (%s): %s starts on the listener's class path", file, e, module);
            return classpath;
        }
    }

    /** The JVM options of a child, before any class-data flags. */
    List<String> jvmOptions(String process) {
        List<String> opts = new ArrayList<>();
        String common = System.getenv("JCKPOOL_CHILD_JVM_OPTS");
        opts.addAll(split(common == null ? DEFAULT_JVM_OPTS : common));
        if (common == null && trimsNativeHeap(Runtime.version())) {
            opts.add(TRIM_NATIVE_HEAP);
        }
        if (common == null && (process.equals("stratifier") || process.equals("connector"))) {
            opts.addAll(split(SHARE_PATH_JVM_OPTS));
        } else if (common == null && process.equals("generator")) {
            opts.addAll(split(GENERATOR_JVM_OPTS));
        }
        opts.addAll(split(System.getenv("JCKPOOL_" + process.toUpperCase(Locale.ROOT) + "_JVM_OPTS")));
        opts.add(NioDescriptors.JVM_FLAG); // always: the connector takes the listening sockets from the listener
        return opts;
    }

    /** Whether a JVM of {@code version} (the children run the listener's java) knows {@link #TRIM_NATIVE_HEAP}. */
    static boolean trimsNativeHeap(Runtime.Version version) {
        int feature = version.feature();
        return feature >= 22 || (feature == 21 && version.update() >= 1) || (feature == 17 && version.update() >= 9);
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
        cmd.add(classpath(mainClass));
        cmd.add(mainClass);
        cmd.addAll(args.toArgs());
        return cmd;
    }

    Process start(String process, String mainClass, ChildArgs args) throws IOException {
        return start(process, mainClass, args, List.of());
    }

    /** As above with {@code -Dname=value} {@code properties} for this start only (not part of the CDS key). */
    Process start(String process, String mainClass, ChildArgs args, List<String> properties) throws IOException {
        Path archive = cds == null ? null : cds.archive(process, classpath(mainClass), jvmOptions(process));
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
