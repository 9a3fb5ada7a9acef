package org.jckpool.libpool.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogLoggerFinderTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        Log.setStderr(System.err);
        Log.setLevel(Log.DEFAULT_LEVEL);
    }

    @Test
    void systemLoggerLinesGoToLogWithCkpoolLevels() {
        Log.setStderr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.setLevel(Log.DEBUG);
        System.Logger logger = System.getLogger("org.example.anything");
        logger.log(System.Logger.Level.WARNING, "node {0} is slow", "a");
        logger.log(System.Logger.Level.DEBUG, "detail", new IllegalStateException("why"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("node a is slow").contains("detail: java.lang.IllegalStateException: why");

        Log.setLevel(Log.WARNING);
        assertThat(logger.isLoggable(System.Logger.Level.INFO)).isFalse();
        assertThat(logger.isLoggable(System.Logger.Level.WARNING)).isTrue();
        assertThat(LogLoggerFinder.levelOf(System.Logger.Level.ERROR)).isEqualTo(Log.ERR);
        assertThat(LogLoggerFinder.levelOf(System.Logger.Level.TRACE)).isEqualTo(Log.DEBUG);
    }

    @Test
    void theJdksOwnLoggersOnlyPassWarnings() {
        Log.setLevel(Log.DEBUG);
        System.Logger jdk = new LogLoggerFinder().getLogger("jdk.internal.httpclient", Object.class.getModule());
        assertThat(jdk.isLoggable(System.Logger.Level.DEBUG)).isFalse();
        assertThat(jdk.isLoggable(System.Logger.Level.WARNING)).isTrue();
        assertThat(LogLoggerFinder.isJdk(LogLoggerFinderTest.class.getModule())).isFalse();
    }
}
