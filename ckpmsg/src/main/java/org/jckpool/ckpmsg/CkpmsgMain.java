package org.jckpool.ckpmsg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.FrameException;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.ipc.SocketDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpmsg}: sends control commands to a process of a running pool, one request per connection, as
 * ckpool's own ckpmsg does. Commands come from the arguments, or one per line from stdin (blank lines are
 * reported, lines starting with # are skipped). The socket is {@code <s or /tmp>/<name>/<sockname>}.
 *
 * <p>Exit status: 0 when every command was delivered, 1 when the socket cannot be opened or a request fails.
 */
@Command(name = "ckpmsg", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send commands to a running ckpool/jckpool process and print the replies.")
public final class CkpmsgMain implements Callable<Integer> {
    static final int DEFAULT_TIMEOUT1_S = 30;
    static final int DEFAULT_TIMEOUT2_S = 5;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Instance name (default ckpool, ckproxy with -p).")
    String name;
    @Option(names = {"-s", "--sockdir"}, paramLabel = "SOCKDIR", description = "Base socket directory (default /tmp).")
    String sockdir;
    @Option(names = {"-N", "--sockname"}, paramLabel = "SOCKNAME",
            description = "Socket (process) to talk to: listener (default), generator, stratifier, connector.")
    String sockname = "listener";
    @Option(names = {"-p", "--proxy"}, description = "Default the name to ckproxy.")
    boolean proxy;
    @Option(names = {"-t", "--timeout1"}, paramLabel = "SECONDS", description = "Wait for the start of a reply (default 30).")
    int timeout1 = DEFAULT_TIMEOUT1_S;
    @Option(names = {"-T", "--timeout2"}, paramLabel = "SECONDS", description = "Wait for the rest of a reply (default 5).")
    int timeout2 = DEFAULT_TIMEOUT2_S;
    @Option(names = {"-l", "--loglevel"}, paramLabel = "LOGLEVEL",
            description = "Output level 0-7: 3 errors only, 5 replies (default), 7 also the messages sent.")
    int loglevel = Log.NOTICE;
    @Option(names = {"-c", "--counter"}, description = "Show a running count of messages sent.")
    boolean counter;
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "Commands to send (default: read stdin).")
    List<String> commands;

    private final PrintStream out;
    private final PrintStream err;

    CkpmsgMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CkpmsgMain(System.out, System.err)).execute(args));
    }

    Path socket() {
        return SocketDirs.forTool(sockdir, name != null ? name : proxy ? "ckproxy" : "ckpool", sockname);
    }

    @Override
    public Integer call() throws IOException {
        if (!Log.isValidLevel(loglevel)) {
            err.println("ckpmsg: invalid loglevel: " + loglevel + " (range 0 - 7)");
            return 1;
        }
        if (timeout1 <= 0 || timeout2 <= 0) {
            err.println("ckpmsg: timeouts must be positive");
            return 1;
        }
        Path sock = socket();
        if (!Files.exists(sock)) {
            err.println("Failed to open socket: " + sock + " (no such socket; is the pool running?)");
            return 1;
        }
        if (commands != null && !commands.isEmpty()) {
            for (String c : commands) {
                if (!sendOne(sock, c)) {
                    return 1;
                }
            }
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!sendOne(sock, line)) {
                return 1;
            }
        }
        return 0;
    }

    private int count;

    /** Sends one command; false when the socket failed (stop), true otherwise. */
    boolean sendOne(Path sock, String message) {
        if (message.isEmpty()) {
            if (loglevel >= Log.ERR) {
                err.println("No message");
            }
            return true;
        }
        if (message.startsWith("#")) {
            return true;
        }
        if (loglevel >= Log.DEBUG) {
            out.println("Got message: " + message);
        }
        try {
            Optional<String> reply = ControlClient.request(sock, message, timeout1 * 1000L, timeout2 * 1000L);
            if (reply.isEmpty()) {
                if (loglevel >= Log.ERR) {
                    err.println("Received empty reply");
                }
            } else if (loglevel >= Log.NOTICE) {
                out.println("Received response: " + reply.get());
            }
        } catch (SocketTimeoutException e) {
            if (loglevel >= Log.ERR) {
                err.println("Received empty reply (timed out: " + e.getMessage() + ")");
            }
        } catch (FrameException e) {
            err.println("Bad reply from " + sock + ": " + e.getMessage());
            return false;
        } catch (IOException e) {
            err.println("Failed to open socket: " + sock + " (" + e.getMessage() + ")");
            return false;
        }
        if (counter && ++count % 100 == 0) {
            out.printf("%8d\r", count);
            out.flush();
        }
        return true;
    }
}
