package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A minimal Stratum pool on a loopback port for the proxy's upstream tests: it answers the handshake with its
 * extranonce1 and extranonce2 size, sends a difficulty and one notify after authorize, and accepts every submit.
 * A held pool ({@link #hold}) keeps its answers to the handshake until {@link #release}: a slow subscription.
 */
final class TinyStratumPool implements AutoCloseable {
    private final ServerSocket server;
    private final String extranonce1;
    private final int extranonce2Size;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** @param port 0 for any free one */
    TinyStratumPool(int port, String extranonce1, int extranonce2Size) throws IOException {
        this.server = new ServerSocket(port, 5, InetAddress.getLoopbackAddress());
        this.extranonce1 = extranonce1;
        this.extranonce2Size = extranonce2Size;
        Thread t = new Thread(this::serve, "tiny-pool-" + extranonce1);
        t.setDaemon(true);
        t.start();
    }

    /** From now on the handshake's answers wait for {@link #release}. */
    TinyStratumPool hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        gate.countDown();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "127.0.0.1:" + port();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> session(s), "tiny-pool-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode m = Json.parseOrNull(line);
                if (m == null) {
                    continue;
                }
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                String id = m.path("id").toString();
                String method = m.path("method").asText();
                switch (method) {
                    case "mining.configure" -> write(out, "{\"id\":" + id + ",\"result\":{\"version-rolling\":true,"
                            + "\"version-rolling.mask\":\"1fffe000\"},\"error\":null}");
                    case "mining.subscribe" -> write(out, "{\"id\":" + id + ",\"result\":[[[\"mining.notify\",\""
                            + extranonce1 + "\"]],\"" + extranonce1 + "\"," + extranonce2Size + "],\"error\":null}");
                    case "mining.authorize" -> {
                        write(out, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
                        write(out, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1]}");
                        write(out, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"j" + extranonce1 + "\",\""
                                + "00".repeat(32) + "\",\"01000000\",\"ffffffff\",[],\"20000000\",\"1d00ffff\","
                                + "\"5f5e1000\",true]}");
                    }
                    default -> write(out, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        synchronized (out) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
