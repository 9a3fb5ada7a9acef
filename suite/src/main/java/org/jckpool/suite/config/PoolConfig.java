package org.jckpool.suite.config;

import org.jckpool.libpool.net.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The pool's configuration: every key of ckpool's {@code ckpool.conf}, with ckpool's defaults. Built by
 * {@link ConfigLoader}; immutable. Difficulties are doubles (fractional values below 1 are allowed).
 *
 * @param btcd           bitcoinds, in failover order (default one: localhost:8332 user/pass)
 * @param btcaddress     payout address (null: none; required unless solo -B or a proxy mode)
 * @param btcsig         text put in the coinbase (at most 38 bytes), null for none
 * @param blockpollMs    how often to poll for a new block when no btcd has notify (100 ms)
 * @param donation       percent of the coinbase value paid to {@code donaddress}, 0 or 0.1–99.9 (below 0.1 counts
 *                       as 0, as ckpool); nothing is paid without a {@code donaddress}
 * @param donaddress     where {@code donation} goes (jckpool's key; ckpool hard-codes its author's address), null for
 *                       none; a valid address of the same network as {@code btcaddress}
 * @param nonce1length   extranonce1 bytes, 2–8 (4)
 * @param nonce2length   extranonce2 bytes, 2–8 (8)
 * @param updateInterval seconds between stratum updates (30)
 * @param versionMask    version-rolling bits miners may change (0x1fffe000)
 * @param serverurl      stratum listening addresses (0.0.0.0:3333); a port above 4000 is a high-diff port
 * @param nodeserver     listening addresses for passthrough nodes
 * @param trusted        listening addresses for trusted remote servers
 * @param upstream       upstream pool host:port of a trusted remote (-t), null when unset
 * @param mindiff        lowest vardiff difficulty (1)
 * @param startdiff      first difficulty of a client (42)
 * @param highdiff       start and minimum difficulty on high-diff ports (1,000,000)
 * @param maxdiff        highest vardiff difficulty, 0 = no limit (0)
 * @param logdir         log directory ("logs")
 * @param maxclients     connection limit, 0 = 90% of the open-file limit (0)
 * @param zmqblock       bitcoind ZMQ hashblock endpoint ("tcp://127.0.0.1:28332")
 * @param proxy          upstream pools of the proxy modes (-p, -P, -u)
 * @param redirecturl    where the redirector mode (-R) sends miners, host:port each
 * @param useragent      user-agent prefixes allowed to connect (empty: all)
 * @param dropidle       seconds after which idle clients are dropped, 0 = never (0)
 * @param rpcConnections RPC calls on the wire to each bitcoind at once, 1–16 (4; jckpool's key
 *                       {@code rpcconnections}): template fetches, polls and submissions share them, submitblock first
 * @param schedule       the scheduling proxy's slice and grace when every {@code proxy} entry has a weight, else null
 * @param raw            the config object as read, for keys added later by other modules
 */
public record PoolConfig(
        List<BtcdConfig> btcd,
        String btcaddress,
        String btcsig,
        int blockpollMs,
        double donation,
        String donaddress,
        int nonce1length,
        int nonce2length,
        int updateInterval,
        long versionMask,
        List<HostPort> serverurl,
        List<HostPort> nodeserver,
        List<HostPort> trusted,
        HostPort upstream,
        double mindiff,
        double startdiff,
        double highdiff,
        double maxdiff,
        String logdir,
        int maxclients,
        String zmqblock,
        List<ProxyConfig> proxy,
        List<HostPort> redirecturl,
        List<String> useragent,
        int dropidle,
        int rpcConnections,
        ScheduleConfig schedule,
        JsonNode raw) {

    public static final int DEFAULT_BLOCKPOLL_MS = 100;
    public static final int DEFAULT_NONCE1LENGTH = 4;
    public static final int DEFAULT_NONCE2LENGTH = 8;
    public static final int DEFAULT_UPDATE_INTERVAL = 30;
    public static final long DEFAULT_VERSION_MASK = 0x1fffe000L;
    public static final HostPort DEFAULT_SERVERURL = new HostPort("0.0.0.0", 3333);
    public static final double DEFAULT_MINDIFF = 1;
    public static final double DEFAULT_STARTDIFF = 42;
    public static final double DEFAULT_HIGHDIFF = 1_000_000;
    public static final String DEFAULT_LOGDIR = "logs";
    public static final String DEFAULT_ZMQBLOCK = "tcp://127.0.0.1:28332";
    public static final int MAX_BTCSIG_BYTES = 38;
    public static final int DEFAULT_RPC_CONNECTIONS = 4;
    /** Core serves 16 RPC calls at once for everyone (-rpcthreads): a pool must leave some to others. */
    public static final int MAX_RPC_CONNECTIONS = 16;

    /**
     * The first difficulty of a client connected through {@code server}: {@code highdiff} on a port above 4000
     * (ckpool's rule), else {@code startdiff}; kept within mindiff and maxdiff (when maxdiff is set).
     */
    public double startDiffFor(HostPort server) {
        double d = server != null && server.highDiff() ? highdiff : startdiff;
        return clamp(Math.max(d, minDiffFor(server)));
    }

    /** The lowest difficulty on {@code server}: {@code highdiff} on a port above 4000, else {@code mindiff}. */
    public double minDiffFor(HostPort server) {
        return clamp(server != null && server.highDiff() ? highdiff : mindiff);
    }

    /**
     * Every address the pool listens on, in server-index order as ckpool appends them: the {@code serverurl}
     * entries (the default one when there are none), then {@code nodeserver}, then {@code trusted}.
     */
    public List<HostPort> listenUrls() {
        List<HostPort> out = new ArrayList<>(serverurl == null || serverurl.isEmpty()
                ? List.of(DEFAULT_SERVERURL) : serverurl);
        if (nodeserver != null) {
            out.addAll(nodeserver);
        }
        if (trusted != null) {
            out.addAll(trusted);
        }
        return out;
    }

    /** The server indexes of the {@code nodeserver} entries (ports where {@code mining.node} is accepted). */
    public Set<Integer> nodeServerIndexes() {
        int first = serverurl == null || serverurl.isEmpty() ? 1 : serverurl.size();
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; nodeserver != null && i < nodeserver.size(); i++) {
            out.add(first + i);
        }
        return out;
    }

    /** The server indexes of the {@code trusted} entries: only there is {@code mining.remote} accepted. */
    public Set<Integer> trustedServerIndexes() {
        int first = (serverurl == null || serverurl.isEmpty() ? 1 : serverurl.size())
                + (nodeserver == null ? 0 : nodeserver.size());
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; trusted != null && i < trusted.size(); i++) {
            out.add(first + i);
        }
        return out;
    }

    private double clamp(double d) {
        return maxdiff > 0 ? Math.min(d, maxdiff) : d;
    }
}
