package org.jckpool.listener;

import java.nio.file.Path;
import java.util.List;

import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.process.ChildArgs;

/**
 * What the command line decided: instance name, paths, log level and the flags passed on to the children, plus
 * the config's {@code serverurl} entries (the listener holds their sockets) and -H (take them over from a running
 * instance). {@code passthrough} is set for -R too: a redirector is a passthrough that also redirects; -N is a
 * passthrough that also submits blocks.
 */
record SuiteSettings(String name, Path sockdir, Path config, int loglevel, String group, boolean quiet,
                     boolean killOld, boolean btcsolo, boolean logShares, boolean proxy, boolean passthrough,
                     boolean userproxy, boolean redirector, boolean node, boolean trusted,
                     List<HostPort> serverurls, boolean handover) {

    /** -P, -R and -N: the stratifier runs the passthrough relay, with no generator. */
    boolean relay() {
        return passthrough || node;
    }

    ChildArgs childArgs(int currentLogLevel) {
        return new ChildArgs(name, sockdir, config.toAbsolutePath(), currentLogLevel, group, quiet, btcsolo,
                logShares, proxy || userproxy, passthrough || node, userproxy, redirector, node, trusted, true);
    }
}
