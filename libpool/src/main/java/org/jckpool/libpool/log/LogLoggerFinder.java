package org.jckpool.libpool.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Sends every {@code System.Logger} line of a process that has libpool on its class path (found through
 * {@code META-INF/services/java.lang.System$LoggerFinder}) into {@link Log}, with ckpool's levels: ERROR → err,
 * WARNING → warning, INFO → info, DEBUG and TRACE → debug. The JDK's own loggers (java.* and jdk.* modules, e.g.
 * the HTTP client's) only pass warnings and worse, so that loglevel=7 shows the pool's debug lines, not the JDK's.
 */
public final class LogLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Bridge(name, isJdk(module) ? Log.WARNING : Log.DEBUG);
    }

    static boolean isJdk(Module module) {
        if (module == null || !module.isNamed()) {
            return false;
        }
        String m = module.getName();
        return m.startsWith("java.") || m.startsWith("jdk.");
    }

    /** The ckpool level of a System.Logger level. */
    static int levelOf(System.Logger.Level l) {
        return switch (l) {
            case ERROR, OFF -> Log.ERR;
            case WARNING -> Log.WARNING;
            case INFO -> Log.INFO;
            case DEBUG, TRACE, ALL -> Log.DEBUG;
        };
    }

    private record Bridge(String name, int finest) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            int l = levelOf(level);
            return level != Level.OFF && l <= finest && Log.enabled(l);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                Log.log(levelOf(level), "%s", thrown == null ? msg : msg + ": " + thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                Log.log(levelOf(level), "%s", params == null || params.length == 0 ? format
                        : MessageFormat.format(format, params));
            }
        }
    }
}
