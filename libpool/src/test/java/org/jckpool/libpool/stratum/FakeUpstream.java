package org.jckpool.libpool.stratum;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted Stratum pool on a loopback port for client tests: every line received is recorded and given to the
 * responder, whose lines are sent back in order; {@link #push} sends lines unasked.
 */
final class FakeUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final Function<JsonNode, List<String>> responder;
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final List<JsonNode> all = new CopyOnWriteArrayList<>();
    private volatile OutputStream out;
    private volatile Socket socket;

    FakeUpstream(Function<JsonNode, List<String>> responder) throws IOException {
        this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.responder = responder;
        Thread t = new Thread(this::serve, "fake-upstream");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                socket = s;
                out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                try {
                    while ((line = in.readLine()) != null) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        all.add(n);
                        received.add(n);
                        for (String reply : responder.apply(n)) {
                            push(reply);
                        }
                    }
                } catch (IOException e) {
                    // client went away
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    synchronized void push(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line received with this method (others skipped), or null after 5 s. */
    JsonNode next(String method) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < end) {
            JsonNode n = received.poll(100, TimeUnit.MILLISECONDS);
            if (n != null && method.equals(n.path("method").asText(null))) {
                return n;
            }
            if (n != null && method.equals("reply") && !n.has("method")) {
                return n;
            }
        }
        return null;
    }

    void dropConnection() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (socket != null) {
            socket.close();
        }
    }
}
