package org.jckpool.webapi.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.PoolView;

/**
 * The observability HTTP server that runs inside the stratifier: JSON API, /health, /metrics and the dashboard,
 * on the JDK's built-in server with a small fixed thread pool. Start with {@link #start}, stop with
 * {@link #close}.
 */
public final class WebApiServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("org.jckpool.webapi");
    /** Samples kept for the dashboard chart: a day at the default one-minute interval. */
    static final int HISTORY_SAMPLES = 1440;

    static {
        // Limits of the JDK server, read once when it is first used; an operator's -D settings win.
        // maxReqTime bounds how long a client may take to send its request (slow-loris), header size and
        // count bound memory per request.
        setDefault("sun.net.httpserver.maxReqTime", "30");
        setDefault("sun.net.httpserver.maxRspTime", "60");
        setDefault("sun.net.httpserver.maxReqHeaders", "100");
        setDefault("sun.net.httpserver.maxReqHeaderSize", "65536");
        setDefault("jdk.httpserver.maxConnections", "512");
    }

    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final ScheduledExecutorService sampler;

    private WebApiServer(HttpServer server, ExecutorService requestThreads, ScheduledExecutorService sampler) {
        this.server = server;
        this.requestThreads = requestThreads;
        this.sampler = sampler;
    }

    /**
     * Binds {@code config.bind()} and starts serving {@code view} and {@code metrics}. Throws IOException when
     * the address cannot be bound (e.g. the port is taken), IllegalArgumentException when the config has the
     * server off.
     */
    public static WebApiServer start(WebApiConfig config, PoolView view, Metrics metrics) throws IOException {
        return start(config, view, metrics, Clock.systemUTC());
    }

    static WebApiServer start(WebApiConfig config, PoolView view, Metrics metrics, Clock clock) throws IOException {
        if (!config.enabled()) {
            throw new IllegalArgumentException("web API is off (httpbind is empty)");
        }
        HttpServer server;
        try {
            server = HttpServer.create(config.bind(), 64);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP on " + config.bind() + ": " + e.getMessage(), e);
        }
        ExecutorService requestThreads = Executors.newFixedThreadPool(config.threads(), daemonThreads("webapi-http"));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemonThreads("webapi-sampler"));
        HashrateHistory history = new HashrateHistory(HISTORY_SAMPLES);
        long periodMillis = Math.max(100, config.historyInterval().toMillis());
        sampler.scheduleAtFixedRate(() -> {
            try {
                history.add(clock.instant(), view.pool().hashrate());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "web API: cannot sample the pool hashrate: " + e);
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);

        server.createContext("/", new ApiHandler(view, metrics, config, history, new StaticAssets(), clock));
        server.setExecutor(requestThreads);
        server.start();
        WebApiServer started = new WebApiServer(server, requestThreads, sampler);
        LOG.log(System.Logger.Level.INFO, "web API listening on " + started.uri());
        return started;
    }

    /** The bound address (with the real port when the config asked for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Base URI, e.g. {@code http://127.0.0.1:3380/}. */
    public URI uri() {
        InetSocketAddress address = address();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + "/");
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        server.stop(0);
        requestThreads.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
