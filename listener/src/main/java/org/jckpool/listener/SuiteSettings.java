package org.jckpool.listener;

import java.nio.file.Path;
import java.util.List;

import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.process.ChildArgs;

/**
 * What the command line decided: instance name, paths, log level and the flags passed on to the children, plus
 * the config's {@code serverurl} entries (the listener holds their sockets) and -H (take them over from a running
 * instance).
 */
record SuiteSettings(String name, Path sockdir, Path config, int loglevel, String group, boolean quiet,
                     boolean killOld, boolean btcsolo, boolean logShares, boolean proxy, boolean passthrough,
                     boolean userproxy, boolean trusted, List<HostPort> serverurls, boolean handover) {

    ChildArgs childArgs(int currentLogLevel) {
        return new ChildArgs(name, sockdir, config.toAbsolutePath(), currentLogLevel, group, quiet, btcsolo,
                logShares, proxy || userproxy, passthrough, userproxy, trusted, true);
    }
}
