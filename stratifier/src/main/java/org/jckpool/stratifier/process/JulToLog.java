package org.jckpool.stratifier.process;

import org.jckpool.libpool.log.Log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends java.util.logging records to the pool's log with ckpool's levels: SEVERE → err, WARNING → warning,
 * INFO → info, anything finer → debug. No longer needed: the stratifier's code logs through {@link Log}, and
 * webapi's {@code System.Logger} lines reach {@link Log} through libpool's {@code LogLoggerFinder}. It goes, with
 * its test, once {@code StratifierProcess} no longer calls {@link #install}.
 */
final class JulToLog extends Handler {
    private final Formatter formatter = new SimpleFormatter();

    private JulToLog() {
    }

    static void install() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulToLog());
        root.setLevel(Level.ALL);
    }

    static int levelOf(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return Log.ERR;
        }
        if (v >= Level.WARNING.intValue()) {
            return Log.WARNING;
        }
        if (v >= Level.INFO.intValue()) {
            return Log.INFO;
        }
        return Log.DEBUG;
    }

    @Override
    public void publish(LogRecord r) {
        int level = levelOf(r.getLevel());
        if (!Log.enabled(level)) {
            return;
        }
        String msg = formatter.formatMessage(r);
        if (r.getThrown() != null) {
            msg = msg + ": " + r.getThrown();
        }
        switch (level) {
            case Log.ERR -> Log.err("%s", msg);
            case Log.WARNING -> Log.warning("%s", msg);
            case Log.INFO -> Log.info("%s", msg);
            default -> Log.debug("%s", msg);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
