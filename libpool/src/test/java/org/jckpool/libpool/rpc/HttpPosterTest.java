package org.jckpool.libpool.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP side of the RPC client against a raw socket server that answers in chosen ways. */
class HttpPosterTest {
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    /** Connections the fake node has closed on its side. */
    private final AtomicInteger closedByNode = new AtomicInteger();

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Serves connections one after another; {@code answer} gets the request's number (0, 1, ... over all
     * connections) and gives the raw reply bytes, or null to close the connection without a reply.
     */
    private URI serve(Function<Integer, String> answer, boolean closeAfterEachReply) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        int length = -1;
                        String line = in.readLine();
                        if (line == null) {
                            break;
                        }
                        for (; line != null && !line.isEmpty(); line = in.readLine()) {
                            if (line.toLowerCase().startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        in.skip(length);
                        String reply = answer.apply(requests.getAndIncrement());
                        if (reply == null) {
                            break;
                        }
                        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        if (closeAfterEachReply || reply.startsWith("HTTP/1.0")) { // 1.0: body ends at close
                            break;
                        }
                    }
                } catch (IOException e) {
                    // next connection
                } finally {
                    closedByNode.incrementAndGet();
                }
            }
        }, "fake-node");
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    }

    @Test
    void aKeptAliveConnectionTheNodeClosedIsReplacedWithoutFailingTheCall() throws Exception {
        // Core closes idle connections after rpcservertimeout: here every connection serves one reply and closes
        URI uri = serve(n -> ok("{\"result\":1}"), true);
        try (HttpPoster poster = new HttpPoster(uri, Duration.ofSeconds(2), 1 << 20, 4)) {
            for (int i = 0; i < 3; i++) {
                HttpPoster.Reply r = poster.post("{}".getBytes(StandardCharsets.UTF_8), "Basic x", deadline(), false);
                assertThat(r.status()).isEqualTo(200);
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"result\":1}");
                int closed = i + 1;
                Await.until("the node closed connection " + closed, () -> closedByNode.get() == closed);
            }
        }
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void chunkedAndReadToCloseBodiesAndRepliesWithoutBody() throws Exception {
        URI uri = serve(n -> switch (n) {
            case 0 -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"re\r\n8\r\nsult\":2}\r\n0\r\n"
                    + "Trailer: t\r\n\r\n";
            case 1 -> "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
            default -> "HTTP/1.0 200 OK\r\n\r\n{\"result\":3}";
        }, false);
        try (HttpPoster poster = new HttpPoster(uri, Duration.ofSeconds(2), 1 << 20, 4)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThat(new String(poster.post(body, "a", deadline(), false).body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"result\":2}");
            HttpPoster.Reply unauthorized = poster.post(body, "a", deadline(), false);
            assertThat(unauthorized.status()).isEqualTo(401);
            assertThat(unauthorized.body()).isEmpty();
            assertThat(new String(poster.post(body, "a", deadline(), false).body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"result\":3}");
        }
        assertThat(connections.get()).as("the first three replies share one connection").isEqualTo(1);
    }

    @Test
    void aBodyOverTheCapAndGarbageAreErrorsNotHangs() throws Exception {
        URI uri = serve(n -> n == 0 ? ok("x".repeat(2000)) : "SSH-2.0-OpenSSH\r\n\r\n", true);
        try (HttpPoster poster = new HttpPoster(uri, Duration.ofSeconds(2), 1000, 4)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThat(catchThrowableOfType(() -> poster.post(body, "a", deadline(), false), HttpPoster.TooLarge.class))
                    .hasMessageContaining("larger than 1000");
            assertThat(catchThrowableOfType(() -> poster.post(body, "a", deadline(), false), IOException.class))
                    .hasMessageContaining("not an HTTP reply");
        }
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the cut-off the write blocks for good
    void aLargeRequestToANodeThatStopsReadingTimesOut() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket[] held = new Socket[1];
        Thread t = new Thread(() -> {
            try {
                held[0] = server.accept(); // accepted, never read
            } catch (IOException e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
        try (HttpPoster poster = new HttpPoster(uri, Duration.ofSeconds(2), 1 << 20, 4)) {
            byte[] block = new byte[64 << 20]; // far more than both socket buffers hold
            long t0 = System.nanoTime();
            HttpPoster.Timeout e = catchThrowableOfType(
                    () -> poster.post(block, "a", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700), true),
                    HttpPoster.Timeout.class);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(e).isNotNull();
            // not before the deadline (it is on the same clock, so load can only make this later); the upper bound
            // only tells a cut-off write from one that ends some other way, and is far from the 700 ms
            assertThat(ms).isBetween(700L, 15_000L);
        } finally {
            if (held[0] != null) {
                held[0].close();
            }
        }
    }

    @Test
    void closeFailsACallBlockedOnTheNodeAtOnce() throws Exception {
        CountDownLatch requestIn = new CountDownLatch(1);
        URI uri = serve(n -> {
            requestIn.countDown();
            try {
                Thread.sleep(10_000); // a node that does not answer for 10 s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }, true);
        HttpPoster poster = new HttpPoster(uri, Duration.ofSeconds(2), 1 << 20, 4);
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            try {
                poster.post("{}".getBytes(StandardCharsets.UTF_8), "a", System.nanoTime() + TimeUnit.SECONDS.toNanos(30), false);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(requestIn.await(10, TimeUnit.SECONDS)).as("the call reached the node").isTrue();
        poster.close();
        // the node would answer after 10 s and the call's deadline is 30 s away: 5 s is "at once", however busy
        assertThat(call.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }
}
