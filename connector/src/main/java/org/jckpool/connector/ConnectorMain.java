package org.jckpool.connector;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.jckpool.connector.link.StratifierUplink;
import org.jckpool.connector.net.ConnectorSettings;
import org.jckpool.connector.net.HandedOverSockets;
import org.jckpool.suite.process.ChildRuntime;

/** The connector child process: started by the listener (ckpool), see {@link ChildRuntime}. */
public final class ConnectorMain {
    private ConnectorMain() {
    }

    /** The networking core died: exit non-zero (cleanup runs as a shutdown hook) so the supervisor restarts us. */
    private static void exitOnFailure() {
        Thread t = new Thread(() -> System.exit(1), "connector-exit");
        t.start();
    }

    public static void main(String[] args) {
        ChildRuntime.run("connector", args, rt -> {
            try {
                ConnectorSettings settings = ConnectorProcess.settingsFrom(rt.config());
                ConnectorProcess connector = ConnectorProcess.start(settings,
                        HandedOverSockets.fromListener(rt.socketOf("listener"), settings.listen()),
                        rt.socketOf("stratifier"), StratifierUplink.Timing.DEFAULT, ConnectorMain::exitOnFailure);
                connector.registerCommands(rt.commands(), rt::baseStats);
                rt.onShutdown(connector::close);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }
}
