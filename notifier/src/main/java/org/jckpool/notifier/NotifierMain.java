package org.jckpool.notifier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.SocketDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier}: tells the stratifier of a running pool that a new block arrived (bitcoind's
 * {@code -blocknotify}). Sends {@code update} to {@code <s or /tmp>/<name>/stratifier} without waiting for a
 * reply, as ckpool's notifier does. Exit status 0 when sent, 1 otherwise.
 */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        description = "Notify a running pool's stratifier of a new block.")
public final class NotifierMain implements Callable<Integer> {
    static final long SEND_TIMEOUT_MS = 5_000;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Instance name (default ckpool, ckproxy with -p).")
    String name;
    @Option(names = {"-s", "--sockdir"}, paramLabel = "SOCKDIR", description = "Base socket directory (default /tmp).")
    String sockdir;
    @Option(names = {"-p", "--proxy"}, description = "Default the name to ckproxy.")
    boolean proxy;

    private final PrintStream out;
    private final PrintStream err;

    NotifierMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new NotifierMain(System.out, System.err)).execute(args));
    }

    Path socket() {
        return SocketDirs.forTool(sockdir, name != null ? name : proxy ? "ckproxy" : "ckpool", "stratifier");
    }

    @Override
    public Integer call() {
        Path sock = socket();
        try {
            ControlClient.send(sock, "update", SEND_TIMEOUT_MS);
        } catch (IOException e) {
            err.println("Failed to open socket: " + sock + " (" + e.getMessage() + ")");
            return 1;
        }
        out.println("Notified stratifier of block update");
        return 0;
    }
}
