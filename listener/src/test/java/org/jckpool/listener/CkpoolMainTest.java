package org.jckpool.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.suite.process.ChildArgs;
import org.junit.jupiter.api.Test;

class CkpoolMainTest {
    private static CkpoolMain parse(String... args) {
        CkpoolMain m = new CkpoolMain(args);
        try {
            CkpoolArgs.parse(args, m);
        } catch (CkpoolArgs.UsageException e) {
            throw new AssertionError(e);
        }
        return m;
    }

    @Test
    void parsesCkpoolsFlags() {
        CkpoolMain m = parse("-c", "x.conf", "-n", "pool2", "-s", "/tmp/s", "-l", "7", "-k", "-q", "-g", "miners",
                "-B", "-L");
        assertThat(m.config).isEqualTo("x.conf");
        assertThat(m.name).isEqualTo("pool2");
        assertThat(m.sockdir).isEqualTo("/tmp/s");
        assertThat(m.loglevel).isEqualTo(7);
        assertThat(m.killOld && m.quiet && m.btcsolo && m.logShares).isTrue();
        assertThat(m.group).isEqualTo("miners");
        assertThat(m.checkFlags()).isNull();
        assertThat(parse("-kBL").killOld).isTrue();
        CkpoolMain all = parse("-H", "-N", "-D", "-t");
        assertThat(all.handover && all.node && all.daemonise && all.trusted).isTrue();
    }

    @Test
    void rejectsWhatCkpoolRejects() {
        assertThat(parse("-l", "8").checkFlags()).contains("loglevel");
        assertThat(parse("-p", "-P").checkFlags()).contains("only one");
        assertThat(parse("-B", "-p").checkFlags()).contains("btcsolo");
        assertThat(parse("-t", "-u").checkFlags()).contains("trusted");
    }

    @Test
    void defaultNamesFollowTheMode() {
        assertThat(parse().defaultName()).isEqualTo("ckpool");
        assertThat(parse("-p").defaultName()).isEqualTo("ckproxy");
        assertThat(parse("-u").defaultName()).isEqualTo("ckproxy");
        assertThat(parse("-P").defaultName()).isEqualTo("ckpassthrough");
        assertThat(parse("-N").defaultName()).isEqualTo("cknode");
        assertThat(parse("-R").defaultName()).isEqualTo("ckredirector");
    }

    @Test
    void redirectorNeedsProxyAndRedirecturlEntries() throws Exception {
        Path conf = Path.of("rd.conf");
        PoolConfig both = ConfigLoader.parse("{\"proxy\":[{\"url\":\"up:3333\"}],\"redirecturl\":[\"a:3334\"]}");
        PoolConfig noRedirect = ConfigLoader.parse("{\"proxy\":[{\"url\":\"up:3333\"}]}");
        PoolConfig noProxy = ConfigLoader.parse("{\"redirecturl\":[\"a:3334\"]}");
        assertThat(parse("-R").configProblem(both, conf)).isNull();
        assertThat(parse("-R").configProblem(noRedirect, conf)).contains("no \"redirecturl\" entries in rd.conf");
        assertThat(parse("-R").configProblem(noProxy, conf)).contains("no \"proxy\" entries")
                .contains("redirector mode");
        assertThat(parse("-P").configProblem(noRedirect, conf)).isNull();
        assertThat(parse().configProblem(noProxy, conf)).isNull();
    }

    @Test
    void redirectorChildrenRunThePassthroughWithTheRedirectorFlag() {
        ChildArgs a = new SuiteSettings("rd", Path.of("/tmp/rd"), Path.of("/etc/rd.conf"), 5, null, false, false, false,
                false, false, true, false, true, false, false, List.of(), false).childArgs(5);
        assertThat(a.passthrough()).isTrue();
        assertThat(a.redirector()).isTrue();
        assertThat(a.toArgs()).contains("--passthrough", "--redirector");
    }

    @Test
    void daemonFlagIsStrippedForTheBackgroundCopy() {
        assertThat(CkpoolMain.stripDaemonFlag("-D")).isNull();
        assertThat(CkpoolMain.stripDaemonFlag("--daemonise")).isNull();
        assertThat(CkpoolMain.stripDaemonFlag("-kD")).isEqualTo("-k");
        assertThat(CkpoolMain.stripDaemonFlag("-k")).isEqualTo("-k");
        assertThat(CkpoolMain.stripDaemonFlag("/tmp/Dir")).isEqualTo("/tmp/Dir");
    }

    @Test
    void childCommandUsesTheParentJavaAndPassesFlags() {
        ChildLauncher l = new ChildLauncher("/opt/java/bin/java", "a.jar:b.jar");
        ChildArgs a = new SuiteSettings("p", Path.of("/tmp/p"), Path.of("/etc/p.conf"), 5, null, false, false, true,
                false, false, true, false, false, false, true, List.of(), false).childArgs(6);
        List<String> cmd = l.command("stratifier", "org.jckpool.stratifier.StratifierMain", a);
        assertThat(cmd.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(cmd).contains("-XX:+UseSerialGC", "-Xss512k", "-cp", "a.jar:b.jar",
                "org.jckpool.stratifier.StratifierMain", "--btcsolo", "--passthrough", "--trusted");
        ChildArgs node = new SuiteSettings("n", Path.of("/tmp/n"), Path.of("/etc/n.conf"), 5, null, false, false,
                false, false, false, false, false, false, true, false, List.of(), false).childArgs(5);
        assertThat(node.passthrough() && node.node()).as("-N runs the relay, as a node").isTrue();
        int main = cmd.indexOf("org.jckpool.stratifier.StratifierMain");
        assertThat(ChildArgs.parse(cmd.subList(main + 1, cmd.size()).toArray(String[]::new))).isEqualTo(a);
        assertThat(a.loglevel()).isEqualTo(6);
        assertThat(cmd).contains("-Xmn8m"); // on the share path: a young generation sized to stay small
        assertThat(l.command("generator", "org.jckpool.generator.GeneratorMain", a)).doesNotContain("-Xmn8m")
                .contains("-XX:TieredStopAtLevel=1"); // off the share path: C1 only
        // a heap grown under abuse is given back; no thread keeps a large cached I/O buffer
        assertThat(l.command("generator", "org.jckpool.generator.GeneratorMain", a))
                .contains("-XX:MaxHeapFreeRatio=30", "-Djdk.nio.maxCachedBufferSize=262144");
    }
}
