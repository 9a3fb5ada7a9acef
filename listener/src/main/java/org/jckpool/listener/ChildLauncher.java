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
 * 45–60 MB RSS. {@code JCKPOOL_CHILD_JVM_OPTS} replaces them; {@code JCKPOOL_<PROCESS>_JVM_OPTS} (e.g.
 * {@code JCKPOOL_STRATIFIER_JVM_OPTS}) is appended for one process.
 */
final class ChildLauncher {
    static final String DEFAULT_JVM_OPTS = "-XX:+UseSerialGC -Xss512k -Xms16m -Xmx384m -XX:MaxMetaspaceSize=128m";

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
