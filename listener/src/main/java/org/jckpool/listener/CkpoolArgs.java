package org.jckpool.listener;

import java.util.List;

/**
 * ckpool's command line, read the way getopt_long reads it: short flags that cluster ({@code -kBL}), values
 * attached or following ({@code -cx.conf}, {@code -c x.conf}), long names ({@code --config x.conf},
 * {@code --config=x.conf}) and {@code --} ending the options.
 *
 * <p>Written by hand rather than with picocli, which the other tools use: picocli's classes are built for Java 5,
 * which the JVM's class-data archive cannot hold, so loading and verifying them cost the listener about 150 ms of
 * every start, on the way to the first served miner.
 */
final class CkpoolArgs {
    /** One option: its letter, long name, the value it takes (null for a flag) and its help line. */
    record Option(char letter, String name, String value, String help) {
    }

    static final List<Option> OPTIONS = List.of(
            new Option('c', "config", "CONFIG", "Config file (default <name>.conf)."),
            new Option('n', "name", "NAME",
                    "Instance name (default ckpool; ckproxy, ckpassthrough, cknode, ckredirector by mode)."),
            new Option('s', "sockdir", "SOCKDIR", "Socket directory (default /tmp/<name>)."),
            new Option('l', "loglevel", "LOGLEVEL", "Log level 0-7 (default 5, notice)."),
            new Option('k', "killold", null, "Kill a running instance of the same name first."),
            new Option('D', "daemonise", null, "Run in the background."),
            new Option('q', "quiet", null, "Print only errors to the console."),
            new Option('g', "group", "GROUP", "Group that owns the sockets."),
            new Option('B', "btcsolo", null, "Solo mining: each user mines to their own address."),
            new Option('L', "log-shares", null, "Log every share."),
            new Option('p', "proxy", null, "Proxy mode: mine on the upstream pools in \"proxy\"."),
            new Option('P', "passthrough", null, "Passthrough proxy mode."),
            new Option('H', "handover", null, "Take over the sockets of a running instance (implies -k)."),
            new Option('N', "node", null, "Node mode (passthrough with a local bitcoind)."),
            new Option('R', "redirector", null, "Redirector mode (send miners to \"redirecturl\")."),
            new Option('u', "userproxy", null, "User proxy mode: as -p, one upstream session per user."),
            new Option('t', "trusted", null, "Trusted remote mode (to \"upstream\")."),
            new Option('h', "help", null, "Show this help message and exit."),
            new Option('V', "version", null, "Print version information and exit."));

    /** A command line that cannot be read; the message names the offending argument. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private CkpoolArgs() {
    }

    /** Reads {@code args} into {@code into}'s option fields. */
    static void parse(String[] args, CkpoolMain into) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                if (i + 1 < args.length) {
                    throw new UsageException("unexpected argument '" + args[i + 1] + "'");
                }
                return;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String longName = a.substring(2, eq < 0 ? a.length() : eq);
                Option o = byName(longName);
                if (o == null) {
                    throw new UsageException("unknown option '--" + longName + "'");
                }
                String value = null;
                if (o.value() != null) {
                    if (eq >= 0) {
                        value = a.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("option '--" + longName + "' needs a value " + o.value());
                    }
                } else if (eq >= 0) {
                    throw new UsageException("option '--" + longName + "' takes no value");
                }
                set(into, o, value);
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    Option o = byLetter(a.charAt(j));
                    if (o == null) {
                        throw new UsageException("unknown option '-" + a.charAt(j) + "'");
                    }
                    if (o.value() == null) {
                        set(into, o, null);
                        continue;
                    }
                    String value;
                    if (j + 1 < a.length()) {
                        value = a.substring(j + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("option '-" + o.letter() + "' needs a value " + o.value());
                    }
                    set(into, o, value);
                    break;
                }
            } else {
                throw new UsageException("unexpected argument '" + a + "'");
            }
        }
    }

    private static void set(CkpoolMain m, Option o, String value) throws UsageException {
        switch (o.letter()) {
            case 'c' -> m.config = value;
            case 'n' -> m.name = value;
            case 's' -> m.sockdir = value;
            case 'l' -> m.loglevel = loglevel(value);
            case 'k' -> m.killOld = true;
            case 'D' -> m.daemonise = true;
            case 'q' -> m.quiet = true;
            case 'g' -> m.group = value;
            case 'B' -> m.btcsolo = true;
            case 'L' -> m.logShares = true;
            case 'p' -> m.proxy = true;
            case 'P' -> m.passthrough = true;
            case 'H' -> m.handover = true;
            case 'N' -> m.node = true;
            case 'R' -> m.redirector = true;
            case 'u' -> m.userproxy = true;
            case 't' -> m.trusted = true;
            case 'h' -> m.help = true;
            case 'V' -> m.version = true;
            default -> throw new IllegalStateException("option -" + o.letter() + " has no field");
        }
    }

    private static int loglevel(String value) throws UsageException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("invalid loglevel '" + value + "' (a number 0 - 7)");
        }
    }

    private static Option byLetter(char c) {
        for (Option o : OPTIONS) {
            if (o.letter() == c) {
                return o;
            }
        }
        return null;
    }

    private static Option byName(String name) {
        for (Option o : OPTIONS) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    /** The help text: a usage line and one line per option. */
    static String usage() {
        StringBuilder b = new StringBuilder("Usage: ckpool [-");
        OPTIONS.stream().filter(o -> o.value() == null).forEach(o -> b.append(o.letter()));
        b.append(']');
        OPTIONS.stream().filter(o -> o.value() != null)
                .forEach(o -> b.append(" [-").append(o.letter()).append(' ').append(o.value()).append(']'));
        b.append("\nStart the jckpool suite: listener, generator, stratifier and connector.\n");
        for (Option o : OPTIONS) {
            String left = "  -" + o.letter() + ", --" + o.name() + (o.value() == null ? "" : "=" + o.value());
            b.append(String.format("%-28s %s%n", left, o.help()));
        }
        return b.toString();
    }
}
