package org.jckpool.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libpool used from a separate Maven project: {@code mvn install} of libpool, then examples/libpool-example built
 * against what that installed (its own pom, no parent, libpool by coordinates) and run against simnode.
 */
class LibpoolExampleIT {
    @TempDir
    Path tmp;

    @Test
    void theExampleProjectBuildsAgainstTheInstalledLibpoolAndRuns() throws Exception {
        try (PoolProcesses procs = new PoolProcesses(tmp)) {
            Path root = procs.root;
            Path example = root.resolve("examples/libpool-example");
            // -o: everything these builds need is in the local repository once the suite has been built
            PoolProcesses.Result install = procs.run(List.of("mvn", "-B", "-q", "-o", "-f",
                    root.resolve("pom.xml").toString(), "-pl", "libpool", "-am", "install", "-DskipTests"), null);
            assertThat(install.exit()).as(install.out()).isZero();
            PoolProcesses.Result build = procs.run(List.of("mvn", "-B", "-q", "-o", "-f",
                    example.resolve("pom.xml").toString(), "clean", "package"), null);
            assertThat(build.exit()).as(build.out()).isZero();

            Process node = new ProcessBuilder(root.resolve("scripts/simnode").toString(), "--port", "0",
                    "--rpcuser", "u", "--rpcpassword", "p").redirectError(tmp.resolve("simnode.err").toFile()).start();
            try {
                String listening = new BufferedReader(new InputStreamReader(node.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                assertThat(listening).startsWith("simnode listening on 127.0.0.1:");
                String url = listening.substring("simnode listening on ".length()).strip();

                String classpath = example.resolve("target/classes") + ":"
                        + Files.readString(example.resolve("target/classpath.txt")).strip();
                PoolProcesses.Result run = procs.run(List.of(javaBin(), "-cp", classpath,
                        "org.jckpool.examples.LibpoolExample", url, "u", "p"), null);
                assertThat(run.exit()).as(run.out()).isZero();
                assertThat(run.out()).contains(
                        "genesis block 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                        "difficulty of bits 1d00ffff: 1.0",
                        "frame read back: {\"method\":\"ping\"}",
                        "stratum REQUEST mining.subscribe from libpool-example/1",
                        "node height 0");
            } finally {
                node.destroy();
            }
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
