package org.jckpool.libpool.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The suite's logger, with ckpool's syslog-style levels: 0 emerg, 1 alert, 2 crit, 3 err, 4 warning,
 * 5 notice (default), 6 info, 7 debug. A line is written when its level is at or below the current level.
 *
 * <p>Lines go to {@code <logdir>/<name>.log} as {@code [yyyy-MM-dd HH:mm:ss.SSS] process: message}. The file is
 * opened in append mode and every line is one write call, so the supervisor and its children can share the
 * file without interleaving inside a line. Warnings and worse also go to stderr (with {@link #setQuiet} only
 * errors and worse). Before {@link #init} is called lines go to stderr only.
 */
public final class Log {
    public static final int EMERG = 0;
    public static final int ALERT = 1;
    public static final int CRIT = 2;
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int NOTICE = 5;
    public static final int INFO = 6;
    public static final int DEBUG = 7;
    public static final int DEFAULT_LEVEL = NOTICE;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private static volatile int level = DEFAULT_LEVEL;
    private static volatile String process = "jckpool";
    private static volatile FileChannel file;
    private static volatile Path filePath;
    private static volatile boolean quiet;
    private static volatile PrintStream stderr = System.err;

    private Log() {
    }

    /**
     * Starts logging to {@code logFile} (parent directories created) under the given process name.
     * Throws IOException when the file cannot be opened.
     */
    public static synchronized void init(String processName, Path logFile, int initialLevel) throws IOException {
        setLevel(initialLevel);
        process = processName;
        if (logFile != null) {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel old = file;
            file = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            filePath = logFile;
            if (old != null) {
                old.close();
            }
        }
    }

    /** Sets the process name shown in each line (before {@link #init}, e.g. for tools). */
    public static void setProcess(String processName) {
        process = processName;
    }

    /** Stops writing to the file (stderr remains). */
    public static synchronized void close() {
        FileChannel f = file;
        file = null;
        filePath = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // nothing useful to do when closing a log file fails
            }
        }
    }

    public static boolean isValidLevel(int l) {
        return l >= EMERG && l <= DEBUG;
    }

    /** Changes the level at run time. Throws IllegalArgumentException outside 0–7. */
    public static void setLevel(int newLevel) {
        if (!isValidLevel(newLevel)) {
            throw new IllegalArgumentException("log level must be 0-7, got " + newLevel);
        }
        level = newLevel;
    }

    public static int level() {
        return level;
    }

    public static Path file() {
        return filePath;
    }

    /** With quiet on, only errors and worse are echoed to stderr. */
    public static void setQuiet(boolean q) {
        quiet = q;
    }

    /** Redirects the stderr echo (tests). */
    public static void setStderr(PrintStream out) {
        stderr = out;
    }

    /** {@code text} cut to at most {@code maxChars} characters, ending in "…" when cut: for quoting input in a log line. */
    public static String abbreviate(String text, int maxChars) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "…";
    }

    public static boolean enabled(int l) {
        return l <= level;
    }

    public static void emerg(String fmt, Object... args) {
        log(EMERG, fmt, args);
    }

    public static void alert(String fmt, Object... args) {
        log(ALERT, fmt, args);
    }

    public static void crit(String fmt, Object... args) {
        log(CRIT, fmt, args);
    }

    public static void err(String fmt, Object... args) {
        log(ERR, fmt, args);
    }

    public static void warning(String fmt, Object... args) {
        log(WARNING, fmt, args);
    }

    public static void notice(String fmt, Object... args) {
        log(NOTICE, fmt, args);
    }

    public static void info(String fmt, Object... args) {
        log(INFO, fmt, args);
    }

    public static void debug(String fmt, Object... args) {
        log(DEBUG, fmt, args);
    }

    /** Logs a {@link String#format} message at level {@code l}. A trailing Throwable argument adds its text. */
    public static void log(int l, String fmt, Object... args) {
        if (l > level) {
            return;
        }
        String msg;
        try {
            msg = args.length == 0 ? fmt : String.format(fmt, args);
        } catch (RuntimeException e) {
            msg = fmt + " (bad log format: " + e + ")";
        }
        String line = "[" + LocalDateTime.now().format(STAMP) + "] " + process + ": " + msg + "\n";
        FileChannel f = file;
        if (f != null) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    f.write(buf);
                }
            } catch (IOException e) {
                stderr.print("[log file write failed: " + e.getMessage() + "] ");
                stderr.print(line);
                return;
            }
        }
        if (f == null || l <= (quiet ? ERR : WARNING)) {
            stderr.print(line);
            stderr.flush();
        }
    }
}
