package org.jckpool.stratifier.process;

import org.jckpool.libpool.log.Log;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

class JulToLogTest {
    @Test
    void julLevelsMapToCkpoolLevels() {
        assertThat(JulToLog.levelOf(Level.SEVERE)).isEqualTo(Log.ERR);
        assertThat(JulToLog.levelOf(Level.WARNING)).isEqualTo(Log.WARNING);
        assertThat(JulToLog.levelOf(Level.INFO)).isEqualTo(Log.INFO);
        assertThat(JulToLog.levelOf(Level.FINE)).isEqualTo(Log.DEBUG);
        assertThat(JulToLog.levelOf(Level.FINEST)).isEqualTo(Log.DEBUG);
    }
}
