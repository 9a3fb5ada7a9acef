package org.jckpool.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.suite.process.ChildArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildLauncherTest {
    @TempDir
    Path lib;

    private String jars(String... names) throws Exception {
        StringBuilder cp = new StringBuilder();
        for (String n : names) {
            Path p = lib.resolve(n);
            if (!Files.exists(p)) {
                Files.writeString(p, n);
            }
            cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(p);
        }
        return cp.toString();
    }

    @Test
    void eachChildGetsItsModulesClassPathElseTheListeners() throws Exception {
        String all = jars("listener-1.jar", "libpool-1.jar", "stratifier-1.jar", "ckdb-1.jar", "postgresql-42.jar");
        Files.writeString(lib.resolve("stratifier.classpath"), "./stratifier-1.jar:./libpool-1.jar\n");
        ChildLauncher l = new ChildLauncher("/opt/java/bin/java", all);
        ChildArgs a = ChildArgs.parse(new String[] {"--config", "/etc/p.conf"});

        List<String> cmd = l.command("stratifier", "org.jckpool.stratifier.StratifierMain", a);
        String cp = cmd.get(cmd.indexOf("-cp") + 1);
        assertThat(cp).isEqualTo(lib.resolve("stratifier-1.jar") + File.pathSeparator + lib.resolve("libpool-1.jar"));
        // no generator.classpath: the listener's own class path
        cmd = l.command("generator", "org.jckpool.generator.GeneratorMain", a);
        assertThat(cmd.get(cmd.indexOf("-cp") + 1)).isEqualTo(all);
        // a list naming a jar that is not there (a half-built lib): the listener's own class path
        Files.writeString(lib.resolve("connector.classpath"), "./connector-1.jar:./libpool-1.jar");
        assertThat(l.classpath("org.jckpool.connector.ConnectorMain")).isEqualTo(all);
        assertThat(ChildLauncher.moduleOf("org.jckpool.stratifier.StratifierMain")).isEqualTo("stratifier");
        assertThat(ChildLauncher.moduleOf("Main")).isNull();
        // class path not made of jars on disk (as in CkpoolMainTest): used as it is
        assertThat(new ChildLauncher("java", "a.jar:b.jar").classpath("org.jckpool.stratifier.StratifierMain"))
                .isEqualTo("a.jar:b.jar");
    }

    @Test
    void classDataArchiveFollowsTheChildsOwnJars() throws Exception {
        String strat = jars("stratifier-1.jar", "libpool-1.jar");
        String other = jars("stratifier-1.jar", "libpool-1.jar", "postgresql-42.jar");
        CdsArchives cds = new CdsArchives(lib.resolve("cds"), "/opt/java/bin/java");
        List<String> opts = List.of("-Xss512k");
        Path a = cds.archive("stratifier", strat, opts);
        assertThat(cds.archive("stratifier", strat, opts)).isEqualTo(a);
        assertThat(cds.archive("stratifier", other, opts)).isNotEqualTo(a);
        assertThat(cds.archive("stratifier", strat, List.of("-Xss1m"))).isNotEqualTo(a);
        Files.writeString(lib.resolve("libpool-1.jar"), "rebuilt, longer"); // a rebuilt jar of its own
        assertThat(cds.archive("stratifier", strat, opts)).isNotEqualTo(a);
        assertThat(a.getFileName().toString()).startsWith("stratifier-").endsWith(".jsa");
    }

    @Test
    void nativeHeapTrimOnlyWhereTheJdkKnowsTheFlag() {
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.8"))).isFalse();
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.9"))).isTrue();
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("21"))).isFalse();
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("21.0.1"))).isTrue();
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("22"))).isTrue();
        assertThat(ChildLauncher.trimsNativeHeap(Runtime.Version.parse("20.0.2"))).isFalse();
    }

    @Test
    void theRunningJvmAcceptsEveryDefaultFlag() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(new ChildLauncher("java", "a.jar").jvmOptions("stratifier"));
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
