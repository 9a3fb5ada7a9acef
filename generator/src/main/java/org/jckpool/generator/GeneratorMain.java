package org.jckpool.generator;

import org.jckpool.generator.proxy.ProxyGenerator;
import org.jckpool.suite.process.ChildRuntime;

/**
 * The generator child process: started by the listener (ckpool), see {@link ChildRuntime} and {@link Generator};
 * with {@code -p} (proxy mode) the {@link ProxyGenerator} instead, which talks to upstream pools, not bitcoind.
 */
public final class GeneratorMain {
    private GeneratorMain() {
    }

    public static void main(String[] args) {
        ChildRuntime.run("generator", args, rt -> {
            if (rt.args().proxy()) {
                ProxyGenerator pg = new ProxyGenerator(rt.config(), rt.args().userproxy());
                pg.registerCommands(rt.commands(), rt::baseStats);
                rt.onStream(pg.link());
                rt.onShutdown(pg::close);
                pg.start();
                return;
            }
            Generator g = new Generator(GeneratorSettings.from(rt.config(), rt.args().btcsolo()));
            g.registerCommands(rt.commands(), rt::baseStats);
            rt.maxRequestBytes(Generator.MAX_CONTROL_REQUEST_BYTES);
            rt.onStream(g.link());
            rt.onShutdown(g::close);
            // checks run in the background so the control socket opens at once, even with every node down
            Thread starter = new Thread(g::start, "generator-start");
            starter.setDaemon(true);
            starter.start();
        });
    }
}
