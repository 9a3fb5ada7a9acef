package org.jckpool.libpool.stratum;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StratumClientTest {
    static final String PREV = "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000";
    static final String NOTIFY = "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"6a0b\",\"" + PREV
            + "\",\"01000000010000\",\"ffffffff\",[],\"20000000\",\"1d00ffff\",\"504e86ed\",true]}";

    private FakeUpstream pool;
    private StratumClient client;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    /** Answers as ckpool 0.9.x does: no mining.configure, one subscription pair, difficulty and notify after authorise. */
    static List<String> ckpool09(JsonNode req) {
        String id = req.path("id").toString();
        List<String> out = new ArrayList<>();
        switch (req.path("method").asText()) {
            case "mining.configure" -> out.add("{\"id\":" + id + ",\"result\":null,\"error\":[-3,\"Method not found\",null]}");
            case "mining.subscribe" -> out.add("{\"id\":" + id + ",\"result\":[[[\"mining.notify\",\"2a010000\"]],\"2a010000\",8],\"error\":null}");
            case "mining.extranonce.subscribe" -> out.add("{\"id\":" + id + ",\"result\":null,\"error\":[-3,\"Method not found\",null]}");
            case "mining.authorize" -> {
                out.add("{\"id\":" + id + ",\"result\":true,\"error\":null}");
                out.add("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[42]}");
                out.add(NOTIFY);
            }
            case "mining.submit" -> out.add(req.path("params").path(1).asText().equals("stale")
                    ? "{\"id\":" + id + ",\"result\":false,\"error\":[21,\"Stale\",null],\"reject-reason\":\"Stale\"}"
                    : "{\"id\":" + id + ",\"result\":true,\"error\":null}");
            default -> { }
        }
        return out;
    }

    private StratumClient.Listener recorder() {
        return new StratumClient.Listener() {
            @Override
            public void onNotify(StratumClient c, Notify n) {
                events.add("notify " + n.jobId() + " " + n.clean());
            }

            @Override
            public void onDifficulty(StratumClient c, double diff) {
                events.add("diff " + diff);
            }

            @Override
            public void onExtranonce(StratumClient c, String en1, int size) {
                events.add("extranonce " + en1 + " " + size);
            }

            @Override
            public void onReconnectRequest(StratumClient c, String host, int port, int wait) {
                events.add("reconnect " + host + " " + port + " " + wait);
            }

            @Override
            public void onMessage(StratumClient c, String text) {
                events.add("message " + text);
            }

            @Override
            public void onClosed(StratumClient c, String reason) {
                events.add("closed");
            }
        };
    }

    private StratumClient.Options opts(int mask, String resume) {
        return new StratumClient.Options("127.0.0.1", pool.port(), "proxyuser.w", "x", "jckpool-test", mask, true,
                resume, 2000, 2000);
    }

    private String event() throws InterruptedException {
        return events.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void handshakeWithCkpool09() throws Exception {
        pool = new FakeUpstream(StratumClientTest::ckpool09);
        client = new StratumClient(opts(0x1fffe000, null), recorder());
        client.connect();
        assertThat(client.extranonce1()).isEqualTo("2a010000");
        assertThat(client.extranonce2Size()).isEqualTo(8);
        assertThat(client.sessionId()).isEqualTo("2a010000");
        assertThat(client.versionMask()).isZero(); // configure refused: no rolling
        assertThat(event()).isEqualTo("diff 42.0");
        assertThat(event()).isEqualTo("notify 6a0b true");
        assertThat(client.difficulty()).isEqualTo(42);
        assertThat(client.lastNotify().jobId()).isEqualTo("6a0b");
        JsonNode cfg = pool.next("mining.configure");
        assertThat(cfg.path("params").path(1).path("version-rolling.mask").asText()).isEqualTo("1fffe000");
        JsonNode sub = pool.next("mining.subscribe");
        assertThat(sub.path("params").size()).isEqualTo(1);
        assertThat(pool.next("mining.extranonce.subscribe")).isNotNull();
        JsonNode auth = pool.next("mining.authorize");
        assertThat(auth.path("params").path(0).asText()).isEqualTo("proxyuser.w");
    }

    @Test
    void resumesSessionAndGetsVersionRolling() throws Exception {
        pool = new FakeUpstream(req -> {
            String id = req.path("id").toString();
            return switch (req.path("method").asText()) {
                case "mining.configure" -> List.of("{\"id\":" + id + ",\"result\":{\"version-rolling\":true,"
                        + "\"version-rolling.mask\":\"1fffe000\"},\"error\":null}");
                case "mining.subscribe" -> List.of("{\"id\":" + id + ",\"result\":[[[\"mining.set_difficulty\",\"beef\"],"
                        + "[\"mining.notify\",\"beef\"]],\"0000beef\",8],\"error\":null}");
                case "mining.authorize" -> List.of("{\"id\":" + id + ",\"result\":true,\"error\":null}");
                default -> List.of();
            };
        });
        client = new StratumClient(opts(0xffffffff, "0000beef"), recorder());
        client.connect();
        assertThat(client.versionMask()).isEqualTo(0x1fffe000);
        JsonNode sub = pool.next("mining.subscribe");
        assertThat(sub.path("params").path(1).asText()).isEqualTo("0000beef");
        assertThat(client.sessionId()).isEqualTo("beef");
        assertThat(client.resumed()).isFalse();
    }

    @Test
    void refusedAuthorisationFailsTheConnect() throws Exception {
        pool = new FakeUpstream(req -> {
            String id = req.path("id").toString();
            return switch (req.path("method").asText()) {
                case "mining.subscribe" -> List.of("{\"id\":" + id + ",\"result\":[[],\"01020304\",8],\"error\":null}");
                case "mining.authorize" -> List.of("{\"id\":" + id + ",\"result\":false,\"error\":[24,\"Unauthorized worker\",null]}");
                default -> List.of();
            };
        });
        client = new StratumClient(opts(0, null), recorder());
        assertThatThrownBy(client::connect).hasMessageContaining("Unauthorized worker");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void connectErrorAndSilentPool() throws Exception {
        pool = new FakeUpstream(req -> List.of());
        int port = pool.port();
        client = new StratumClient(new StratumClient.Options("127.0.0.1", port, "u", "p", "t", 0, false, null, 1000,
                300), recorder());
        assertThatThrownBy(client::connect).hasMessageContaining("no answer to mining.subscribe");
        pool.close();
        StratumClient refused = new StratumClient(new StratumClient.Options("127.0.0.1", port, "u", "p", "t", 0,
                false, null, 1000, 300), recorder());
        assertThatThrownBy(refused::connect).isInstanceOf(IOException.class);
        assertThat(refused.isOpen()).as("a refused connection is not open (its owner reconnects)").isFalse();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void answersPingAndGetVersionAndAppliesServerMessages() throws Exception {
        pool = new FakeUpstream(StratumClientTest::ckpool09);
        client = new StratumClient(opts(0, null), recorder());
        client.connect();
        assertThat(event()).startsWith("diff");
        assertThat(event()).startsWith("notify");
        pool.push("{\"id\":77,\"method\":\"mining.ping\",\"params\":[]}");
        JsonNode pong = pool.next("reply");
        assertThat(pong.toString()).isEqualTo("{\"id\":77,\"result\":\"pong\",\"error\":null}");
        pool.push("{\"id\":78,\"method\":\"client.get_version\",\"params\":[]}");
        assertThat(pool.next("reply").path("result").asText()).isEqualTo("jckpool-test");
        pool.push("{\"id\":79,\"method\":\"client.mystery\",\"params\":[]}");
        assertThat(pool.next("reply").path("error").path(0).asInt()).isEqualTo(20);
        pool.push("{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"aabbccdd\",6]}");
        assertThat(event()).isEqualTo("extranonce aabbccdd 6");
        assertThat(client.extranonce2Size()).isEqualTo(6);
        pool.push("{\"id\":null,\"method\":\"client.show_message\",\"params\":[\"hello miners\"]}");
        assertThat(event()).isEqualTo("message hello miners");
        // ckpool 0.9.x sends client.reconnect with empty params: reconnect to the same place
        pool.push("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}");
        assertThat(event()).isEqualTo("reconnect null 0 0");
        pool.push("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"pool.example\",\"3334\",5]}");
        assertThat(event()).isEqualTo("reconnect pool.example 3334 5");
    }

    /**
     * ckpool running as a proxy is the upstream: a blank session id in the subscribe result (nothing to resume),
     * its extranonce1 grown by the bytes it carved for us, a reconnect naming the port as a number (its later
     * releases), a ping whose id is a string (ckpool answers any id as it came), a difficulty of 0 (ignored, as
     * ckpool's own proxy client does).
     */
    @Test
    void ckpoolAsAProxyUpstream() throws Exception {
        pool = new FakeUpstream(req -> {
            String id = req.path("id").toString();
            return switch (req.path("method").asText()) {
                case "mining.subscribe" -> List.of("{\"id\":" + id + ",\"result\":[[[\"mining.notify\",\"\"]],"
                        + "\"2a01000001\",7],\"error\":null}");
                case "mining.authorize" -> List.of("{\"id\":" + id + ",\"result\":true,\"error\":null}",
                        "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[8]}", NOTIFY);
                default -> ckpool09(req);
            };
        });
        client = new StratumClient(opts(0, "0000beef"), recorder());
        client.connect();
        assertThat(client.sessionId()).as("blank: nothing to resume next time").isNull();
        assertThat(client.resumed()).isFalse();
        assertThat(client.extranonce1()).isEqualTo("2a01000001");
        assertThat(client.extranonce2Size()).isEqualTo(7);
        assertThat(event()).isEqualTo("diff 8.0");
        assertThat(event()).startsWith("notify");
        pool.push("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0]}");
        pool.push("{\"id\":\"p1\",\"method\":\"mining.ping\",\"params\":[]}");
        assertThat(pool.next("reply").toString()).isEqualTo("{\"id\":\"p1\",\"result\":\"pong\",\"error\":null}");
        assertThat(client.difficulty()).isEqualTo(8);
        pool.push("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"pool.example\",3334,0]}");
        assertThat(event()).isEqualTo("reconnect pool.example 3334 0");
    }

    @Test
    void submitsSharesAndLosesPendingOnClose() throws Exception {
        pool = new FakeUpstream(StratumClientTest::ckpool09);
        client = new StratumClient(opts(0, null), recorder());
        client.connect();
        SubmitResult ok = client.submit("proxyuser.w", "6a0b", "0000000100000002", "504e86ed", "12345678", null)
                .get(5, TimeUnit.SECONDS);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.roundTripMillis()).isGreaterThanOrEqualTo(0);
        SubmitResult stale = client.submit("proxyuser.w", "stale", "0000000100000002", "504e86ed", "12345678", "00002000")
                .get(5, TimeUnit.SECONDS);
        assertThat(stale.accepted()).isFalse();
        assertThat(stale.stale()).isTrue();
        assertThat(stale.reason()).isEqualTo("Stale");
        JsonNode sent = null;
        for (JsonNode n : pool.all) {
            if ("stale".equals(n.path("params").path(1).asText())) {
                sent = n;
            }
        }
        assertThat(sent.path("params").size()).isEqualTo(6);
        pool.dropConnection();
        assertThat(events.poll(5, TimeUnit.SECONDS)).isNotNull();
        Await.until("the client to see the pool go", 5000, () -> !client.isOpen());
        SubmitResult lost = client.submit("proxyuser.w", "6a0b", "00", "504e86ed", "12345678", null).get(5, TimeUnit.SECONDS);
        assertThat(lost.lost()).isTrue();
    }
}
