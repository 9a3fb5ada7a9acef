package org.jckpool.ckdb;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jckpool.ckdb.chain.BitcoindChainView;
import org.jckpool.ckdb.chain.BlockStatusPoller;
import org.jckpool.ckdb.server.CkdbServer;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.PidFile;
import org.jckpool.libpool.ipc.SocketDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ckdb}: the pool database. Parses options, wires store, service and socket, runs until told to stop. */
@Command(name = "ckdb", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Memory-resident pool database backed by PostgreSQL; listens on <sockdir>/listener.")
public final class CkdbMain implements java.util.concurrent.Callable<Integer> {
    /** Environment variable holding the database password (preferred over -p, which shows in ps). */
    public static final String PASSWORD_ENV = "CKDB_DBPASS";

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Instance name (default ckdb).")
    String name = "ckdb";
    @Option(names = {"-s", "--sockdir"}, paramLabel = "DIR", description = "Socket directory (default /tmp/NAME).")
    String sockdir;
    @Option(names = {"-d", "--dbname"}, paramLabel = "DB", description = "Database name (default ckdb).")
    String dbName = "ckdb";
    @Option(names = {"-H", "--dbhost"}, paramLabel = "HOST", description = "Database host (default 127.0.0.1).")
    String dbHost = "127.0.0.1";
    @Option(names = {"-P", "--dbport"}, paramLabel = "PORT", description = "Database port (default 5432).")
    int dbPort = 5432;
    @Option(names = {"-U", "--url"}, paramLabel = "JDBCURL", description = "Full JDBC URL (overrides -d -H -P).")
    String url;
    @Option(names = {"-u", "--dbuser"}, paramLabel = "USER", description = "Database user (default postgres).")
    String dbUser = "postgres";
    @Option(names = {"-p", "--dbpass"}, paramLabel = "PASS",
            description = "Database password (better: environment variable " + PASSWORD_ENV + ").")
    String dbPass;
    @Option(names = {"-r", "--ckpool-logdir"}, paramLabel = "DIR",
            description = "ckpool log directory: rebuild missed messages from its *.ckdb.journal files at start.")
    Path rebuildDir;
    @Option(names = {"-k", "--killold"}, description = "Stop a running ckdb of the same name first.")
    boolean killOld;
    @Option(names = {"-l", "--loglevel"}, paramLabel = "N", description = "Log level 0-7 (default 5).")
    int logLevel = Log.DEFAULT_LEVEL;
    @Option(names = {"-L", "--logdir"}, paramLabel = "DIR", description = "Log directory (default logs).")
    Path logDir = Path.of("logs");
    @Option(names = "--pplns-n", paramLabel = "N", description = "PPLNS window in network difficulties (default 5).")
    double pplnsN = CkdbConfig.defaults().pplnsN();
    @Option(names = "--fee", paramLabel = "FRACTION", description = "Pool fee fraction (default 0.005).")
    double fee = CkdbConfig.defaults().poolFee();
    @Option(names = "--autoadd", description = "Authorise creates unknown users (usernames are addresses).")
    boolean autoAdd;
    @Option(names = "--btcd", paramLabel = "URL", description = "bitcoind RPC URL for block confirmations.")
    String btcdUrl;
    @Option(names = "--btcd-auth", paramLabel = "USER:PASS", description = "bitcoind RPC credentials.")
    String btcdAuth = "";
    @Option(names = "--confirmations", paramLabel = "N", description = "Confirmations for 'confirmed' (default 1).")
    long confirmations = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CkdbMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Log.init(name, logDir.resolve(name + ".log"), logLevel);
        String password = Optional.ofNullable(dbPass).orElse(System.getenv(PASSWORD_ENV));
        if (dbPass != null) {
            Log.warning("a password given with -p is visible to other users; prefer %s", PASSWORD_ENV);
        }
        DbSettings db = url != null ? new DbSettings(url, dbUser, password)
                : DbSettings.of(dbHost, dbPort, dbName, dbUser, password);
        CkdbConfig config;
        try {
            config = new CkdbConfig(pplnsN, fee, CkdbConfig.defaults().writerQueue(), autoAdd);
            if (confirmations < 1) {
                throw new IllegalArgumentException("--confirmations must be at least 1: " + confirmations);
            }
        } catch (IllegalArgumentException e) {
            Log.emerg("%s", e.getMessage());
            return 2;
        }

        Path dir = SocketDirs.ensure(SocketDirs.forPool(sockdir, name));
        Path pidFile = dir.resolve(name + ".pid");
        Optional<ProcessHandle> old = PidFile.liveProcess(pidFile);
        if (old.isPresent() && old.get().pid() != ProcessHandle.current().pid()) {
            if (!killOld) {
                Log.emerg("%s already runs as pid %d (use -k to replace it)", name, old.get().pid());
                return 1;
            }
            Log.notice("stopping old instance pid %d", old.get().pid());
            old.get().destroy();
            if (!old.get().onExit().completeOnTimeout(null, 15, TimeUnit.SECONDS).join().isAlive()) {
                Log.notice("old instance gone");
            } else {
                old.get().destroyForcibly();
            }
        }
        PidFile.write(pidFile, ProcessHandle.current().pid());

        HikariDataSource ds = db.open(4);
        BlockStatusPoller poller = btcdUrl == null ? null
                : new BlockStatusPoller(new BitcoindChainView(btcdUrl, btcdAuth), confirmations);
        CkdbService service = new CkdbService(config, ds, Json.MAPPER, poller);
        long backoff = 1000;
        while (true) {
            try {
                service.start();
                break;
            } catch (SQLException e) {
                Log.err("ALARM: cannot start, database %s unreachable: %s; retrying in %d ms", db,
                        e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
        if (rebuildDir != null && Files.isDirectory(rebuildDir)) {
            JournalReplay.replay(service, rebuildDir);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ckdb-chain-poll");
            t.setDaemon(true);
            return t;
        });
        if (poller != null) {
            poller.attach(service);
            timer.scheduleWithFixedDelay(poller::pollOnce, 10, 60, TimeUnit.SECONDS);
        }
        CkdbServer server = CkdbServer.open(dir.resolve(CkdbServer.SOCKET_NAME), service);
        CountDownLatch stop = new CountDownLatch(1);
        service.onShutdownRequest(stop::countDown);
        Thread hook = new Thread(() -> {
            server.close();
            try {
                if (!service.awaitDurable(10_000)) {
                    Log.err("stopping with %d writes not committed", service.writer().pending());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            service.close();
            ds.close();
            timer.shutdownNow();
            PidFile.removeIfOurs(pidFile);
            Log.notice("stopped");
        }, "ckdb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Log.notice("ready on %s (database %s)", server.path(), db);
        stop.await();
        Log.notice("shutdown requested");
        return 0;
    }
}
