package org.jckpool.suite.process;

import org.jckpool.libpool.ipc.SocketDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jckpool.libpool.log.Log;

/**
 * The command line the supervisor gives each child (generator, stratifier, connector). {@link #toArgs()} and
 * {@link #parse} are the two ends of the same contract, so the supervisor and {@link ChildRuntime} cannot drift.
 *
 * <pre>--name NAME --sockdir DIR --config FILE --loglevel N [--group G] [--quiet]
 * [--btcsolo] [--log-shares] [--proxy] [--userproxy] [--passthrough] [--redirector] [--node] [--trusted]
 * [--no-parent-watch]</pre>
 *
 * @param name        instance name ({@code ckpool -n}, default "ckpool")
 * @param sockdir     socket directory of the instance (pool rule)
 * @param config      config file path
 * @param loglevel    initial log level 0–7
 * @param group       group for socket files ({@code -g}), or null
 * @param quiet       {@code -q}: only errors echo to stderr
 * @param btcsolo     {@code -B}: solo mining, each user mines to their own address
 * @param logShares   {@code -L}: log shares
 * @param proxy       {@code -p}: proxy mode
 * @param passthrough {@code -P}: passthrough proxy mode
 * @param userproxy   {@code -u}: user proxy mode (with {@code proxy}): one upstream session per user
 * @param redirector  {@code -R}: redirector mode (with {@code passthrough}): miners with an accepted share are
 *                    sent on to {@code redirecturl}
 * @param node        {@code -N}: node mode (with {@code passthrough}): the relay also submits solved blocks to
 *                    its own bitcoind
 * @param trusted     {@code -t}: trusted remote mode, a pool that also reports to its {@code upstream}
 * @param parentWatch exit when stdin reaches EOF (on unless {@code --no-parent-watch}, for running a child alone)
 */
public record ChildArgs(String name, Path sockdir, Path config, int loglevel, String group, boolean quiet,
                        boolean btcsolo, boolean logShares, boolean proxy, boolean passthrough,
                        boolean userproxy, boolean redirector, boolean node, boolean trusted,
                        boolean parentWatch) {

    public List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("--name", name, "--sockdir", sockdir.toString(),
                "--config", config.toString(), "--loglevel", Integer.toString(loglevel)));
        if (group != null) {
            a.add("--group");
            a.add(group);
        }
        if (quiet) {
            a.add("--quiet");
        }
        if (btcsolo) {
            a.add("--btcsolo");
        }
        if (logShares) {
            a.add("--log-shares");
        }
        if (proxy) {
            a.add("--proxy");
        }
        if (passthrough) {
            a.add("--passthrough");
        }
        if (userproxy) {
            a.add("--userproxy");
        }
        if (redirector) {
            a.add("--redirector");
        }
        if (node) {
            a.add("--node");
        }
        if (trusted) {
            a.add("--trusted");
        }
        if (!parentWatch) {
            a.add("--no-parent-watch");
        }
        return a;
    }

    /** Parses the child's arguments; throws IllegalArgumentException naming the bad or missing one. */
    public static ChildArgs parse(String[] args) {
        String name = "ckpool";
        Path sockdir = null;
        Path config = null;
        int loglevel = Log.DEFAULT_LEVEL;
        String group = null;
        boolean quiet = false;
        boolean btcsolo = false;
        boolean logShares = false;
        boolean proxy = false;
        boolean passthrough = false;
        boolean userproxy = false;
        boolean redirector = false;
        boolean node = false;
        boolean trusted = false;
        boolean parentWatch = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--name" -> name = value(args, ++i, a);
                case "--sockdir" -> sockdir = Path.of(value(args, ++i, a));
                case "--config" -> config = Path.of(value(args, ++i, a));
                case "--loglevel" -> {
                    String v = value(args, ++i, a);
                    try {
                        loglevel = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        loglevel = -1;
                    }
                    if (!Log.isValidLevel(loglevel)) {
                        throw new IllegalArgumentException("--loglevel must be 0-7, got " + v);
                    }
                }
                case "--group" -> group = value(args, ++i, a);
                case "--quiet" -> quiet = true;
                case "--btcsolo" -> btcsolo = true;
                case "--log-shares" -> logShares = true;
                case "--proxy" -> proxy = true;
                case "--passthrough" -> passthrough = true;
                case "--userproxy" -> userproxy = true;
                case "--redirector" -> redirector = true;
                case "--node" -> node = true;
                case "--trusted" -> trusted = true;
                case "--no-parent-watch" -> parentWatch = false;
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (sockdir == null) {
            sockdir = SocketDirs.forPool(null, name);
        }
        if (config == null) {
            throw new IllegalArgumentException("--config is required");
        }
        return new ChildArgs(name, sockdir, config, loglevel, group, quiet, btcsolo, logShares, proxy, passthrough,
                userproxy, redirector, node, trusted, parentWatch);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
