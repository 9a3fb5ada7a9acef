package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jckpool.ckdb.store.DbSettings;

/**
 * Share ingest benchmark: one producer thread hands ckdb batches of 1000 share messages as JSON text (parsing,
 * sequence check, memory update, COPY into PostgreSQL all included) for the given number of seconds, and prints
 * accepted and committed shares per second and the lag each second.
 * After 3 s of warm-up. Run: java -cp <test classpath> org.jckpool.ckdb.IngestBenchmark [seconds] [shares/s]
 * (shares/s 0 or absent: as fast as ckdb takes them; otherwise the producer is paced to that rate, and a lag that
 * stays flat shows the rate is sustained). PostgreSQL is an embedded server of its own started with fsync on and
 * synchronous_commit on (the test servers run with fsync off), so "committed" means on disk.
 */
public final class IngestBenchmark {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private IngestBenchmark() {
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime (clock ticks, 100/s) of the embedded PostgreSQL's postmaster and its backends. */
    private static long childCpuTicks(int pgPort) {
        String port = "-p " + pgPort;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(port)).orElse(false))
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .mapToLong(p -> {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", p.pid() + "", "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }).sum();
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long rate = args.length > 1 ? Long.parseLong(args[1]) : 0;
        java.nio.file.Path pgDir = java.nio.file.Files.createTempDirectory("ckdb-bench-pg");
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded
                .EmbeddedPostgres.builder().setDataDirectory(pgDir).setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start()) {
            run(seconds, rate, pg.getPort(), new DbSettings(pg.getJdbcUrl("postgres", "postgres"), "postgres", ""));
        } finally {
            KillRestartTest.deleteTree(pgDir.toFile());
        }
        System.exit(0);
    }

    private static void run(int seconds, long rate, int pgPort, DbSettings db) throws Exception {
        try (HikariDataSource ds = db.open(4);
             CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, new ObjectMapper()).start()) {
            // warm-up (JIT), not counted
            long seq = 1;
            long warmEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                svc.handle(PgOutageTest.batch(seq, 1000, "warm"));
                seq += 1000;
            }
            long warm = seq - 1;
            svc.awaitDurable(60_000);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
                rs.next();
                System.out.printf("PostgreSQL fsync=%s synchronous_commit=%s (ckdb's sessions)%n", rs.getString(1),
                        rs.getString(2));
            }
            long jvmCpu0 = jvmCpuNanos();
            long pgCpu0 = childCpuTicks(pgPort);
            long startCommitted = svc.writer().durableSeq("pool"); // one share per seq
            long t0 = System.nanoTime();
            long nextReport = t0 + 1_000_000_000L;
            long lastAccepted = 0;
            long lastCommitted = 0;
            long accepted = 0;
            long buildCpu = 0;
            System.out.printf("cores=%d, load average at start %.2f%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("  sec  accepted/s  committed/s  lag(shares)  lag(ms)");
            while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                if (rate > 0) {
                    long due = t0 + accepted * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                long b0 = THREADS.getCurrentThreadCpuTime();
                String frame = PgOutageTest.batch(seq, 1000, "user" + (seq / 1000 % 50));
                buildCpu += THREADS.getCurrentThreadCpuTime() - b0;
                svc.handle(frame);
                seq += 1000;
                accepted += 1000;
                long now = System.nanoTime();
                if (now >= nextReport) {
                    long committed = svc.writer().durableSeq("pool") - startCommitted;
                    System.out.printf("%5d  %10d  %11d  %11d  %7d%n", (now - t0) / 1_000_000_000L,
                            accepted - lastAccepted, committed - lastCommitted, accepted - committed,
                            svc.writer().lagMillis());
                    lastAccepted = accepted;
                    lastCommitted = committed;
                    nextReport += 1_000_000_000L;
                }
            }
            double producing = (System.nanoTime() - t0) / 1e9;
            svc.awaitDurable(120_000);
            double total = (System.nanoTime() - t0) / 1e9;
            double jvmCpu = (jvmCpuNanos() - jvmCpu0) / 1e9;
            double pgCpu = (childCpuTicks(pgPort) - pgCpu0) / 100.0;
            double build = buildCpu / 1e9;
            double ckdbCpu = jvmCpu - build;
            System.out.printf("CPU used: JVM %.1f s of which %.1f s building the test messages (the pool's work), "
                    + "so ckdb %.1f s; PostgreSQL %.1f s -> %.0f shares per CPU-second of ckdb+PostgreSQL "
                    + "(%.0f shares/s if the 2 cores were theirs alone)%n", jvmCpu, build, ckdbCpu, pgCpu,
                    accepted / (ckdbCpu + pgCpu), 2 * accepted / (ckdbCpu + pgCpu));
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM shares")) {
                rs.next();
                System.out.printf("accepted %d shares in %.1f s = %.0f shares/s; all committed after %.1f s = %.0f "
                                + "shares/s sustained to PostgreSQL; rows in table %d (incl. %d warm-up)%n",
                        accepted, producing, accepted / producing, total, accepted / total, rs.getLong(1), warm);
            }
        }
    }
}
