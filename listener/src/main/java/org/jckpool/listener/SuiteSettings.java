package org.jckpool.listener;

import java.nio.file.Path;

import org.jckpool.libpool.process.ChildArgs;

/** What the command line decided: instance name, paths, log level and the flags passed on to the children. */
record SuiteSettings(String name, Path sockdir, Path config, int loglevel, String group, boolean quiet,
                     boolean killOld, boolean btcsolo, boolean logShares, boolean proxy, boolean passthrough) {

    ChildArgs childArgs(int currentLogLevel) {
        return new ChildArgs(name, sockdir, config.toAbsolutePath(), currentLogLevel, group, quiet, btcsolo,
                logShares, proxy, passthrough, true);
    }
}
