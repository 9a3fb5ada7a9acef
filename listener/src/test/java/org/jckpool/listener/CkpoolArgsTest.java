package org.jckpool.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CkpoolArgsTest {
    private static CkpoolMain parse(String... args) throws CkpoolArgs.UsageException {
        CkpoolMain m = new CkpoolMain(args);
        CkpoolArgs.parse(args, m);
        return m;
    }

    @Test
    void valuesAttachedFollowingOrAfterAnEqualsSign() throws Exception {
        assertThat(parse("-cx.conf").config).isEqualTo("x.conf");
        assertThat(parse("-c", "x.conf").config).isEqualTo("x.conf");
        assertThat(parse("--config", "x.conf").config).isEqualTo("x.conf");
        assertThat(parse("--config=x.conf").config).isEqualTo("x.conf");
        assertThat(parse("--loglevel=7").loglevel).isEqualTo(7);
        assertThat(parse("-l7").loglevel).isEqualTo(7);
    }

    @Test
    void aValueTakingLetterEndsItsCluster() throws Exception {
        CkpoolMain m = parse("-kqc", "pool.conf", "-Dn", "p2");
        assertThat(m.killOld && m.quiet && m.daemonise).isTrue();
        assertThat(m.config).isEqualTo("pool.conf");
        assertThat(m.name).isEqualTo("p2");
        CkpoolMain attached = parse("-kcD.conf");
        assertThat(attached.killOld).isTrue();
        assertThat(attached.daemonise).isFalse();
        assertThat(attached.config).isEqualTo("D.conf");
    }

    @Test
    void everyLongNameMatchesItsLetter() throws Exception {
        for (CkpoolArgs.Option o : CkpoolArgs.OPTIONS) {
            String[] byLetter = o.value() == null ? new String[] {"-" + o.letter()}
                    : new String[] {"-" + o.letter(), "6"};
            String[] byName = o.value() == null ? new String[] {"--" + o.name()}
                    : new String[] {"--" + o.name(), "6"};
            assertThat(parse(byName)).usingRecursiveComparison().ignoringFields("originalArgs")
                    .isEqualTo(parse(byLetter)).isNotEqualTo(parse());
        }
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("-z")).hasMessage("unknown option '-z'");
        assertThatThrownBy(() -> parse("--zap")).hasMessage("unknown option '--zap'");
        assertThatThrownBy(() -> parse("-c")).hasMessage("option '-c' needs a value CONFIG");
        assertThatThrownBy(() -> parse("--name")).hasMessage("option '--name' needs a value NAME");
        assertThatThrownBy(() -> parse("--proxy=yes")).hasMessage("option '--proxy' takes no value");
        assertThatThrownBy(() -> parse("-l", "high")).hasMessageContaining("invalid loglevel 'high'");
        assertThatThrownBy(() -> parse("pool.conf")).hasMessage("unexpected argument 'pool.conf'");
        assertThatThrownBy(() -> parse("--", "x")).hasMessage("unexpected argument 'x'");
    }

    @Test
    void helpListsEveryOption() {
        String usage = CkpoolArgs.usage();
        for (CkpoolArgs.Option o : CkpoolArgs.OPTIONS) {
            assertThat(usage).contains("-" + o.letter() + ", --" + o.name());
        }
    }
}
