package org.jckpool.stratifier.process;

import org.jckpool.stratifier.link.ConnectorLink;
import org.jckpool.stratifier.link.ClientEvents;

import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.webapi.metrics.Metrics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stratifier's share path wired as in the process (engine, {@link ConnectorLink}, the per-share metrics of
 * StratifierProcess.onShare) with {@link #CLIENTS} miners, and their frames, for the benchmarks. {@code accept}:
 * difficulty 1e-10, every share is accepted; otherwise 1e6, every share is above target. Minimum, start and
 * maximum difficulty are equal, so vardiff never retargets and every share gets exactly one reply.
 */
final class BenchPool {
    static final int CLIENTS = 1000;

    final StratumEngine engine;
    final ConnectorLink link;
    /** Lines the engine sent to single clients. */
    final AtomicLong sends = new AtomicLong();
    private final String worker = Vectors.MAIN_ADDR + ".bench";
    private final byte[][] submitFrames = new byte[CLIENTS][];
    private final int nonceAt;

    BenchPool(boolean accept) {
        double diff = accept ? 1e-10 : 1e6;
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(diff, diff, diff), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.RESOLVER);
        InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(Vectors.C_TIME + 10));
        StratumEngine[] engineRef = new StratumEngine[1];
        link = new ConnectorLink(new ClientEvents() {
            // the same calls as EngineEvents, without the connection metrics
            @Override
            public void connected(long clientId, String address, int serverIndex) {
                engineRef[0].onConnect(clientId, address, serverIndex);
            }

            @Override
            public void line(long clientId, String line) {
                engineRef[0].onLine(clientId, line);
            }

            // (no @Override, so that the benchmarks also compile against older revisions for A/B runs)
            public void line(long clientId, byte[] buf, int off, int len) {
                engineRef[0].onLine(clientId, buf, off, len);
            }

            @Override
            public void disconnected(long clientId, String reason) {
                engineRef[0].onDisconnect(clientId, reason);
            }
        }, () -> true);
        ClientOutbound counting = new ClientOutbound() {
            @Override
            public void send(long clientId, String line) {
                sends.incrementAndGet();
                link.send(clientId, line);
            }

            @Override
            public void broadcast(String line) {
                link.broadcast(line);
            }

            @Override
            public void drop(long clientId, String reason) {
                throw new IllegalStateException("dropped " + clientId + ": " + reason);
            }

            @Override
            public void subscribed(long clientId) {
                link.subscribed(clientId);
            }
        };
        engine = new StratumEngine(cfg, counting, s -> SolutionOutcome.SUBMITTED, clock, 1);
        engineRef[0] = engine;
        Metrics metrics = Metrics.create();
        engine.shareObserver((s, r, now) -> {
            // the per-share part of StratifierProcess.onShare
            if (r.accepted()) {
                metrics.shareAccepted(r.assignedDiff());
            } else {
                metrics.shareRejected(r.reason().rejectReason);
                EventLog events = EventLog.global();
                if (events.enabled()) {
                    events.event(EventLog.SHARE_REJECTED, "id", s.clientId, "worker", s.workerName(),
                            "reason", r.reason().rejectReason, "diff", r.assignedDiff(), "share_diff", r.shareDiff());
                }
            }
        });
        engine.onTemplate(Vectors.templateC());
        String job = engine.currentJob().idHex();
        int at = -1;
        for (int c = 0; c < CLIENTS; c++) {
            // the load generator's shape: numeric id, five strings and version bits
            String line = "{\"id\":" + (1000 + c) + ",\"method\":\"mining.submit\",\"params\":[\"" + worker + "\",\""
                    + job + "\"," + String.format("\"%08x\"", c) + ",\"662307b7\",\"NONCE___\",\"00000000\"]}";
            submitFrames[c] = lineFrame(c, line);
            at = RelayCodec.HEADER_BYTES + line.indexOf("NONCE___");
        }
        nonceAt = at;
    }

    /** Connect, configure, subscribe and authorise every client: 4 frames each, 3 replies (and a P frame). */
    List<byte[]> setupFrames() {
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            out.add(RelayCodec.connected(c, "127.0.0.1", 40000 + c, 0));
            out.add(lineFrame(c, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],{}]}"));
            out.add(lineFrame(c, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"bench\"]}"));
            out.add(lineFrame(c, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + worker + "\",\"x\"]}"));
        }
        return out;
    }

    /** The n-th share's LINE frame (client n mod CLIENTS), a new array each time. */
    byte[] submit(long n, int nonce) {
        byte[] f = submitFrames[(int) (n % CLIENTS)].clone();
        for (int i = 0; i < 8; i++) {
            f[nonceAt + i] = (byte) Character.forDigit((nonce >>> (28 - 4 * i)) & 0xf, 16);
        }
        return f;
    }

    private static byte[] lineFrame(long clientId, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return RelayCodec.line(clientId, b, 0, b.length);
    }
}
