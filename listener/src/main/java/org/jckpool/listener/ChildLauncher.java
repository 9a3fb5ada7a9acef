package org.jckpool.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jckpool.libpool.process.ChildArgs;

/**
 * Builds and starts a child JVM: the parent's java binary and classpath, modest JVM flags, the child's main
 * class and {@link ChildArgs}. Stdin is a pipe the supervisor never writes to (see ParentWatch); stdout and
 * stderr are shared with the supervisor.
 *
 * <p>Default flags {@value #DEFAULT_JVM_OPTS}: serial GC and small thread stacks keep an idle child near
 * 45–60 MB RSS; the heap gives back what it grew by once at most 30% of it is free after a full collection (not
 * the default 70%), and no thread keeps a cached direct buffer over 256 KiB (the JDK reads and writes heap
 * buffers through one of their size, kept per thread). The stratifier and connector, which carry every share, add {@value #SHARE_PATH_JVM_OPTS}: with
 * the default 5 MB young generation, tens of thousands of shares/s meant about ten collections a second, and
 * each pause holds up every share in flight. {@code JCKPOOL_CHILD_JVM_OPTS} replaces the defaults (both);
 * {@code JCKPOOL_<PROCESS>_JVM_OPTS} (e.g. {@code JCKPOOL_STRATIFIER_JVM_OPTS}) is appended for one process.
 */
final class ChildLauncher {
    static final String DEFAULT_JVM_OPTS = "-XX:+UseSerialGC -Xss512k -Xms16m -Xmx384m -XX:MaxMetaspaceSize=128m "
            + "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Djdk.nio.maxCachedBufferSize=262144";
    static final String SHARE_PATH_JVM_OPTS = "-Xms48m -Xmn32m";

    private final String javaBin;
    private final String classpath;

    ChildLauncher() {
        this(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"));
    }

    ChildLauncher(String javaBin, String classpath) {
        this.javaBin = javaBin;
        this.classpath = classpath;
    }

    List<String> command(String process, String mainClass, ChildArgs args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        String common = System.getenv("JCKPOOL_CHILD_JVM_OPTS");
        cmd.addAll(split(common == null ? DEFAULT_JVM_OPTS : common));
        if (common == null && (process.equals("stratifier") || process.equals("connector"))) {
            cmd.addAll(split(SHARE_PATH_JVM_OPTS));
        }
        cmd.addAll(split(System.getenv("JCKPOOL_" + process.toUpperCase(Locale.ROOT) + "_JVM_OPTS")));
        cmd.add("-Djckpool.process=" + process);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args.toArgs());
        return cmd;
    }

    Process start(String process, String mainClass, ChildArgs args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(process, mainClass, args));
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    private static List<String> split(String opts) {
        if (opts == null || opts.isBlank()) {
            return List.of();
        }
        return Arrays.asList(opts.trim().split("\\s+"));
    }
}
