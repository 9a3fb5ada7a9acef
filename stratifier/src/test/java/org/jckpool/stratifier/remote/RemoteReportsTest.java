package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.link.PassthroughLinks;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The remote side against a fake upstream on a real socket: the message forms (ckpool's names and fields, plus
 * seq), acks, and the replay after the upstream went away.
 */
class RemoteReportsTest {
    static final String W = Vectors.REGTEST_ADDR + ".w";
    @TempDir
    Path dir;
    private ServerSocket server;
    private RemoteReports reports;

    @AfterEach
    void close() throws IOException {
        if (reports != null) {
            reports.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** One accepted upstream connection, read and written line by line. */
    private static final class Peer implements AutoCloseable {
        final Socket s;
        final BufferedReader in;
        final OutputStream out;

        Peer(Socket s) throws IOException {
            this.s = s;
            s.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out = s.getOutputStream();
        }

        JsonNode read() throws IOException {
            String line = in.readLine();
            assertThat(line).as("a line from the remote").isNotNull();
            return Json.parseOrNull(line);
        }

        void write(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private Peer accept() throws IOException {
        server.setSoTimeout(10_000);
        return new Peer(server.accept());
    }

    private EngineHarness startRemote() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        reports = RemoteReports.start(dir, new HostPort("127.0.0.1", server.getLocalPort()), "edge", "jckpool/0.1",
                100, 100);
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-12, 42, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.REGTEST_RESOLVER);
        EngineHarness h = new EngineHarness(cfg, 1_700_000_010L);
        h.engine.shareObserver(reports::share);
        h.engine.onTemplate(Vectors.templateG());
        reports.workinfo(h.engine.currentJob().base(), h.clock.millis());
        return h;
    }

    @Test
    void messagesHaveCkpoolsNamesAndFieldsAndLeaveTheOutboxWhenAcked() throws Exception {
        EngineHarness h = startRemote();
        h.miner(1, W, false);
        h.submit(1, 7, W, h.jobId(1), "00000001", "6553f100", "00000000", null); // a share and a block
        h.submit(1, 8, W, h.jobId(1), "00000001", "6553f100", "00000000", null); // its duplicate
        try (Peer p = accept()) {
            JsonNode hello = p.read();
            assertThat(hello.toString()).startsWith("{\"method\":\"mining.remote\",\"params\":[\"jckpool/0.1\",\"edge-");
            p.write(PassthroughLinks.ACCEPTED); // ckpool's connector answer, byte for byte
            assertThat(PassthroughLinks.ACCEPTED).isEqualTo(RemoteProtocol.ACCEPTED);

            JsonNode wi = p.read();
            assertThat(wi.fieldNames().next()).as("method first").isEqualTo("method");
            assertThat(wi.path("method").asText()).isEqualTo("workinfo");
            assertThat(wi.path("seq").asLong()).isEqualTo(1);
            assertThat(wi.path("workinfoid").asLong()).isEqualTo(h.engine.currentJob().base().id());
            assertThat(wi.path("poolinstance").asText()).isEqualTo("edge");
            assertThat(wi.path("height").asLong()).isEqualTo(1);

            JsonNode share = p.read();
            assertThat(share.path("method").asText()).isEqualTo("share");
            assertThat(share.path("seq").asLong()).isEqualTo(2);
            assertThat(share.path("result").asBoolean()).isTrue();
            assertThat(share.path("workername").asText()).isEqualTo(W);
            assertThat(share.path("username").asText()).isEqualTo(Vectors.REGTEST_ADDR);
            assertThat(share.path("workinfoid").asLong()).isEqualTo(wi.path("workinfoid").asLong());
            for (String f : new String[]{"clientid", "enonce1", "diff", "sdiff", "createdate"}) {
                assertThat(share.has(f)).as(f).isTrue();
            }

            JsonNode block = p.read();
            assertThat(block.path("method").asText()).isEqualTo("block");
            assertThat(block.path("seq").asLong()).isEqualTo(3);
            assertThat(block.path("name").asText()).isEqualTo("edge");
            assertThat(block.path("height").asLong()).isEqualTo(1);
            assertThat(block.path("blockhash").asText()).hasSize(64);

            JsonNode dup = p.read();
            assertThat(dup.path("method").asText()).isEqualTo("shareerr");
            assertThat(dup.path("seq").asLong()).isEqualTo(4);
            assertThat(dup.path("error").asText()).isEqualTo("Duplicate");
            assertThat(dup.path("errn").asInt()).isEqualTo(22);

            p.write(RemoteProtocol.ack(4));
            Await.until("the ack reaches the outbox", () -> reports.outbox().acked() == 4);
            assertThat(reports.outbox().pendingCount()).isZero();
            assertThat(reports.json().path("connected").asBoolean()).isTrue();
        }
    }

    @Test
    void whatWasNotAckedIsSentAgainInOrderAfterTheUpstreamCameBack() throws Exception {
        EngineHarness h = startRemote();
        h.miner(1, W, false);
        try (Peer p = accept()) {
            p.read();
            p.write(RemoteProtocol.ACCEPTED);
            assertThat(p.read().path("seq").asLong()).isEqualTo(1);
            p.write(RemoteProtocol.ack(1));
            Await.until("ack 1", () -> reports.outbox().acked() == 1);
        }
        // the upstream is gone: the pool mines on and the outbox fills
        h.submit(1, 7, W, h.jobId(1), "00000001", "6553f100", "00000000", null);
        h.submit(1, 8, W, h.jobId(1), "00000002", "6553f100", "00000000", null);
        assertThat(reports.outbox().lastSeq()).isGreaterThanOrEqualTo(4);
        long last = reports.outbox().lastSeq();
        try (Peer p = accept()) {
            p.read();
            p.write(RemoteProtocol.ACCEPTED);
            for (long seq = 2; seq <= last; seq++) {
                assertThat(p.read().path("seq").asLong()).as("replayed in order").isEqualTo(seq);
            }
            p.write(RemoteProtocol.ack(last));
            Await.until("everything acked", () -> reports.outbox().pendingCount() == 0);
        }
    }

    @Test
    void theOutboxBoundComesFromRemoteOutboxMax() {
        assertThat(RemoteReports.maxPending(null)).isEqualTo(RemoteReports.DEFAULT_MAX_PENDING);
        assertThat(RemoteReports.maxPending(Json.parseOrNull("{\"remote_outbox_max\":500}"))).isEqualTo(500);
        for (String bad : new String[]{"0", "1000001", "\"many\"", "2.5"}) {
            assertThatThrownBy(() -> RemoteReports.maxPending(
                    Json.parseOrNull("{\"remote_outbox_max\":" + bad + "}")))
                    .as(bad).hasMessageContaining("remote_outbox_max");
        }
    }

    @Test
    void aRefusalLeavesTheRemoteMiningAndTryingAgain() throws Exception {
        startRemote();
        try (Peer p = accept()) {
            p.read();
            p.write(RemoteProtocol.refused("null"));
        }
        try (Peer p = accept()) {
            assertThat(p.read().path("method").asText()).as("tried again").isEqualTo("mining.remote");
            assertThat(reports.outbox().pendingCount()).as("nothing was lost").isEqualTo(1);
        }
    }
}
